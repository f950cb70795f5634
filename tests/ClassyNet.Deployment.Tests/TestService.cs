using ClassyNet.Edge;
using ClassyNet.MLNet.Inference;
using ClassyNet.Serving;
using Microsoft.Extensions.Logging;

namespace ClassyNet.Deployment.Tests;

/// <summary>A real cloud-part service on Kestrel (127.0.0.1, ephemeral port) with captured structured logs.</summary>
internal sealed class TestService : IAsyncDisposable
{
    public const string ApiKey = "test-api-key-0123456789";

    private TestService(CloudPartServer server, ListLoggerProvider logs)
    {
        Server = server;
        Logs = logs;
    }

    public CloudPartServer Server { get; }

    public ListLoggerProvider Logs { get; }

    public Uri Address => Server.Address;

    /// <summary>Starts a service holding <paramref name="models"/> (in memory, the test keeps ownership).</summary>
    public static async Task<TestService> StartAsync(IEnumerable<(ClassyNetModel Model, string Id)> models, Func<CloudPartServerOptions, CloudPartServerOptions>? configure = null, string urls = "http://127.0.0.1:0")
    {
        var logs = new ListLoggerProvider();
        var options = new CloudPartServerOptions
        {
            Urls = urls,
            ApiKey = ApiKey,
            ShutdownTimeout = TimeSpan.FromSeconds(10),
            ConfigureLogging = l => l.AddProvider(logs),
        };
        var server = await CloudPartServer.StartAsync(configure?.Invoke(options) ?? options);
        foreach (var (model, id) in models)
        {
            server.Registry.Add(model, id);
        }

        return new TestService(server, logs);
    }

    /// <summary>A client of this service (or of <paramref name="address"/>), with short timeouts and backoff for tests.</summary>
    public static CloudPartClient Client(Uri address, string apiKey = ApiKey, int attempts = 4, TimeSpan? timeout = null, int maxSamples = 256) => new(new CloudClientOptions
    {
        Address = address,
        ApiKey = apiKey,
        AttemptTimeout = timeout ?? TimeSpan.FromSeconds(10),
        MaxAttempts = attempts,
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        MaxSamplesPerRequest = maxSamples,
    });

    public CloudPartClient Client(string apiKey = ApiKey, int attempts = 4) => Client(Address, apiKey, attempts);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
