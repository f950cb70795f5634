using System.Runtime.CompilerServices;

namespace ClassyNet.Deployment.Tests;

/// <summary>The tests use ONNX Runtime directly too (and through ML.NET): keep its telemetry off here as the edge runtime does.</summary>
internal static class OnnxRuntimeTelemetryOff
{
    [ModuleInitializer]
    internal static void Initialize() => ClassyNet.Edge.OnnxRuntimeTelemetry.DisableUnlessChosen();
}
