using System.Net;
using System.Text;
using ClassyNet.MLNet.Deployment;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace ClassyNet.Serving;

/// <summary>
/// The cloud-part service on Kestrel: the gRPC service <c>classynet.cloudpart.v1.CloudPart</c> (API key required),
/// <c>/healthz</c> (liveness) and <c>/readyz</c> (readiness: a model is loaded and the service is not stopping),
/// and admin endpoints for hot swaps (<c>GET/POST /admin/models</c>, <c>DELETE /admin/models/{id}/{version}</c>, API key
/// required). Logs are structured (JSON lines by default). Stopping turns readiness off, stops accepting connections
/// and lets requests in flight finish within <see cref="CloudPartServerOptions.ShutdownTimeout"/>.
/// </summary>
public sealed class CloudPartServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CloudPartServerState _state;

    private CloudPartServer(WebApplication app, CloudPartServerState state, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        _state = state;
        Addresses = addresses;
    }

    /// <summary>The models the service holds; load, add or unload versions here for a hot swap.</summary>
    public CloudModelRegistry Registry => _state.Registry;

    /// <summary>The addresses the service listens on (ports resolved).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first address.</summary>
    public Uri Address => Addresses[0];

    /// <summary>Loads the options' models and starts listening; returns once the service accepts requests.</summary>
    public static async Task<CloudPartServer> StartAsync(CloudPartServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "ClassyNet.Serving", ContentRootPath = AppContext.BaseDirectory });
        var service = ParseUrls(options.Urls, nameof(options.Urls));
        var probes = options.ProbeUrls is null ? [] : ParseUrls(options.ProbeUrls, nameof(options.ProbeUrls));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes + 1024L;
            foreach (var url in service)
            {
                Listen(kestrel, url, url.Scheme == Uri.UriSchemeHttps ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http2);
            }

            foreach (var url in probes)
            {
                Listen(kestrel, url, HttpProtocols.Http1);
            }
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Logging.ClearProviders();
        (options.ConfigureLogging ?? DefaultLogging)(builder.Logging);
        builder.Services.AddSingleton(services => new CloudPartServerState(options, services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxRequestBytes;
            grpc.MaxSendMessageSize = null;
        });
        // The authentication core only: AddAuthentication() would also register ASP.NET Core data protection, whose key
        // ring is created in the user's profile (~/.aspnet) although the service protects nothing with it.
        builder.Services.AddAuthenticationCore(auth =>
        {
            auth.AddScheme<ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, ApiKeyAuthenticationHandler.SchemeName);
            auth.DefaultScheme = ApiKeyAuthenticationHandler.SchemeName;
        });
        builder.Services.AddWebEncoders();
        builder.Services.Configure<ApiKeyAuthenticationOptions>(ApiKeyAuthenticationHandler.SchemeName, o => o.KeyBytes = Encoding.UTF8.GetBytes(options.ApiKey));
        builder.Services.AddAuthorization();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);

        var app = builder.Build();
        var state = app.Services.GetRequiredService<CloudPartServerState>();
        try
        {
            foreach (var file in options.Models)
            {
                state.Registry.Load(file.Path, file.Id);
            }

            if (options.InferenceThreads is int threads)
            {
                torch.set_num_threads(threads);
            }

            // gRPC bodies are bounded by the message size (MaxReceiveMessageSize: an oversize message is refused from its
            // length prefix with RESOURCE_EXHAUSTED). Kestrel's body limit stays for everything else; on a gRPC call it
            // raced that check: when the rest of an oversize body arrived first, Kestrel aborted the stream and the client
            // saw UNKNOWN instead.
            app.Use((context, next) =>
            {
                if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true
                    && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = null;
                }

                return next(context);
            });
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGrpcService<CloudPartService>().RequireAuthorization();
            app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
            app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
            MapAdmin(app, state.Registry);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ClassyNet.Serving");
            app.Lifetime.ApplicationStopping.Register(() =>
            {
                state.MarkStopping();
                ServingLog.Stopping(logger, options.ShutdownTimeout.TotalSeconds);
            });
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            // Kestrel reports the bound addresses (ports resolved) in binding order: the service's first, then the probes'.
            var addresses = app.Urls.Take(service.Length).Select(u => new Uri(u)).ToArray();
            ServingLog.Started(logger, string.Join(";", addresses.Select(a => a.ToString())), state.Registry.Count);
            return new CloudPartServer(app, state, addresses);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            state.Dispose();
            throw;
        }
    }

    /// <summary>Stops gracefully: readiness off, no new connections, requests in flight finish (up to the shutdown timeout).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <summary>Completes when the service has stopped (after <see cref="StopAsync"/>, or SIGTERM / Ctrl+C when hosted by the CLI).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _state.Dispose();
    }

    /// <summary>Parses ';'-separated http(s) URLs with an IP, localhost or a wildcard host and a port.</summary>
    private static Uri[] ParseUrls(string urls, string argument) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(text =>
        Uri.TryCreate(text.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && (uri.IsLoopback || IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))
            && uri.AbsolutePath == "/"
            ? uri
            : throw new ArgumentException($"{argument}: '{text}' is not an address to listen on; expected http(s)://IP:port, http(s)://localhost:port or http(s)://*:port.", argument)).ToArray();

    private static void Listen(KestrelServerOptions kestrel, Uri url, HttpProtocols protocols)
    {
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            if (url.Scheme == Uri.UriSchemeHttps)
            {
                listen.UseHttps();
            }
        }

        if (url.Host == "localhost")
        {
            kestrel.ListenLocalhost(url.Port, Configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(url.Host.Trim('[', ']')), url.Port, Configure);
        }
    }

    private static void DefaultLogging(ILoggingBuilder logging)
    {
        logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    }

    private static void MapAdmin(WebApplication app, CloudModelRegistry registry)
    {
        var admin = app.MapGroup("/admin/models").RequireAuthorization();
        admin.MapGet("/", () => Results.Ok(registry.Models().Select(Describe)));
        admin.MapPost("/", (LoadModelRequest body) =>
        {
            if (string.IsNullOrEmpty(body.Path) || string.IsNullOrEmpty(body.Id))
            {
                return Results.BadRequest(new { error = "the body must give 'path' (a model file on the service's machine) and 'id'" });
            }

            try
            {
                var identity = registry.Load(body.Path, body.Id);
                return Results.Ok(new { id = identity.Id, version = identity.Version });
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                return Results.BadRequest(new { error = e.Message });
            }
        });
        admin.MapDelete("/{id}/{version}", (string id, string version) =>
            registry.Unload(id, version) ? Results.Ok(new { id, version, retired = true }) : Results.NotFound(new { error = $"no model {id}@{version} is loaded" }));
    }

    private static object Describe(CloudModelInfo m) => new
    {
        id = m.Identity.Id,
        version = m.Identity.Version,
        current = m.Current,
        exits = m.ExitCount,
        classes = m.ClassCount,
        inFlight = m.InFlight,
        activationShapes = m.ActivationShapes,
    };

    /// <summary>Readiness: healthy while a model is loaded and the service is not stopping.</summary>
    private sealed class ReadinessCheck(CloudPartServerState state) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(state.Ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(state.NotReadyReason));
    }
}
