using Microsoft.Extensions.Logging;

namespace ClassyNet.Serving;

/// <summary>The service's log events (structured: every value is a named field in the JSON log).</summary>
internal static partial class ServingLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Cloud part listening on {Addresses} with {Models} model version(s)")]
    internal static partial void Started(ILogger logger, string addresses, int models);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stopping: readiness off, waiting up to {TimeoutSeconds} s for requests in flight")]
    internal static partial void Stopping(ILogger logger, double timeoutSeconds);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Loaded model {ModelId}@{ModelVersion} from {Source} ({ExitCount} exits); already loaded: {AlreadyLoaded}")]
    internal static partial void ModelLoaded(ILogger logger, string modelId, string modelVersion, string source, int exitCount, bool alreadyLoaded);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Retired model {ModelId}@{ModelVersion}; {InFlight} request(s) still running on it")]
    internal static partial void ModelRetired(ILogger logger, string modelId, string modelVersion, int inFlight);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Infer {RequestId} {ModelId}@{ModelVersion} split {SplitExit}: {Samples} sample(s), exits {Exits}, {ElapsedMs:F2} ms")]
    internal static partial void Inferred(ILogger logger, string requestId, string modelId, string modelVersion, int splitExit, int samples, string exits, double elapsedMs);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Infer {RequestId} refused with {StatusCode}: {Reason}")]
    internal static partial void Refused(ILogger logger, string requestId, string statusCode, string reason);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Request to {Path} refused: {Reason}")]
    internal static partial void Unauthenticated(ILogger logger, string path, string reason);
}
