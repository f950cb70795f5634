using Microsoft.Extensions.Logging;

namespace ClassyNet.Serving;

/// <summary>Settings of the cloud-part service (<see cref="CloudPartServer"/>).</summary>
public sealed class CloudPartServerOptions
{
    /// <summary>
    /// Addresses of the gRPC service (and the health endpoints), separated by ';': <c>http://IP:port</c>,
    /// <c>http://localhost:port</c>, <c>http://*:port</c> or the same with https (TLS with Kestrel's configured default
    /// certificate). Default <c>http://127.0.0.1:5005</c>. Port 0 picks a free port (<see cref="CloudPartServer.Addresses"/>
    /// says which). Plain http speaks HTTP/2 only (gRPC's prior-knowledge h2c; probe it with
    /// <c>curl --http2-prior-knowledge</c>); https negotiates HTTP/2 or HTTP/1.1.
    /// </summary>
    public string Urls { get; init; } = "http://127.0.0.1:5005";

    /// <summary>
    /// Optional plain HTTP/1.1 addresses for probes that cannot speak HTTP/2 (orchestrators' HTTP checks), separated by
    /// ';': <c>/healthz</c> and <c>/readyz</c> answer there too. Default none.
    /// </summary>
    public string? ProbeUrls { get; init; }

    /// <summary>Model files to load at start. Default none (models can also be added with <see cref="CloudModelRegistry"/> or the admin endpoint).</summary>
    public IReadOnlyList<CloudModelFile> Models { get; init; } = [];

    /// <summary>The API key every gRPC call and admin request must carry in the <c>x-api-key</c> header. Required, at least 16 characters.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Largest request message in bytes; a larger one is refused with RESOURCE_EXHAUSTED. Default 16 MiB.</summary>
    public int MaxRequestBytes { get; init; } = 16 << 20;

    /// <summary>Most samples in one request; more is refused with RESOURCE_EXHAUSTED. Default 4096.</summary>
    public int MaxBatchSize { get; init; } = 4096;

    /// <summary>Requests run on TorchSharp at the same time; the others wait their turn. Default: the processor count.</summary>
    public int MaxConcurrentInferences { get; init; } = Environment.ProcessorCount;

    /// <summary>libtorch intra-op threads for the process, or null (default) to leave libtorch's setting alone.</summary>
    public int? InferenceThreads { get; init; }

    /// <summary>How long a stop waits for requests in flight before closing their connections. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Versions kept per model id: loading a new version makes it current and keeps the previous ones up to this count,
    /// so edges still on an older version are served during a rollout. Default 2.
    /// </summary>
    public int RetainedVersions { get; init; } = 2;

    /// <summary>Sets up logging; default (null): JSON lines on the console (structured, with scopes, UTC timestamps).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>Checks every value and says which one is wrong.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Urls))
        {
            throw new ArgumentException("Urls must give at least one address, e.g. http://127.0.0.1:5005.", nameof(Urls));
        }

        ArgumentNullException.ThrowIfNull(Models, nameof(Models));
        if (ApiKey is null || ApiKey.Length < 16)
        {
            throw new ArgumentException($"ApiKey must have at least 16 characters (got {ApiKey?.Length ?? 0}); generate one, e.g. with 'openssl rand -hex 24'.", nameof(ApiKey));
        }

        if (MaxRequestBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBytes), MaxRequestBytes, "MaxRequestBytes must be at least 1024.");
        }

        if (MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be at least 1.");
        }

        if (MaxConcurrentInferences < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentInferences), MaxConcurrentInferences, "MaxConcurrentInferences must be at least 1.");
        }

        if (InferenceThreads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(InferenceThreads), InferenceThreads, "InferenceThreads must be at least 1 (or null to leave libtorch's setting).");
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, "ShutdownTimeout must be >= 0.");
        }

        if (RetainedVersions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RetainedVersions), RetainedVersions, "RetainedVersions must be at least 1.");
        }
    }
}
