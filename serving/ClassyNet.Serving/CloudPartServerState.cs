using Microsoft.Extensions.Logging;

namespace ClassyNet.Serving;

/// <summary>What the service's endpoints share: the options, the models, the inference gate and whether it is stopping.</summary>
internal sealed class CloudPartServerState : IDisposable
{
    private volatile bool _stopping;

    internal CloudPartServerState(CloudPartServerOptions options, ILoggerFactory loggers)
    {
        Options = options;
        Registry = new CloudModelRegistry(options.RetainedVersions, loggers.CreateLogger("ClassyNet.Serving.Models"));
        Gate = new SemaphoreSlim(options.MaxConcurrentInferences, options.MaxConcurrentInferences);
    }

    internal CloudPartServerOptions Options { get; }

    internal CloudModelRegistry Registry { get; }

    /// <summary>Limits how many requests run on TorchSharp at once (<see cref="CloudPartServerOptions.MaxConcurrentInferences"/>).</summary>
    internal SemaphoreSlim Gate { get; }

    /// <summary>Ready for traffic: some model is loaded and the service is not stopping.</summary>
    internal bool Ready => !_stopping && Registry.Count > 0;

    /// <summary>Why the service is not ready (null when it is).</summary>
    internal string? NotReadyReason => _stopping ? "the service is stopping" : Registry.Count == 0 ? "no model is loaded" : null;

    internal void MarkStopping() => _stopping = true;

    public void Dispose() => Gate.Dispose();
}
