using System.Runtime.InteropServices;
using System.Text;

namespace ClassyNet.Edge;

/// <summary>
/// ONNX Runtime 1.32 for Linux collects usage telemetry by default: it writes a device id and an event database under
/// ~/.cache/Microsoft/DeveloperTools/.onnxruntime and tries to upload events. An edge device should not do that
/// unasked, so before ONNX Runtime is first used the edge runtime sets <c>ORT_DISABLE_TELEMETRY=1</c> in the process
/// environment, unless the variable is already set (set it to 0 to keep ONNX Runtime's default).
/// </summary>
internal static unsafe class OnnxRuntimeTelemetry
{
    /// <summary>The variable ONNX Runtime reads when its environment is created.</summary>
    internal const string Variable = "ORT_DISABLE_TELEMETRY";

    private static int _done;

    /// <summary>Sets the variable in the native environment (where ONNX Runtime reads it) unless it is set; idempotent.</summary>
    internal static void DisableUnlessChosen()
    {
        if (Interlocked.Exchange(ref _done, 1) == 1 || Environment.GetEnvironmentVariable(Variable) is not null)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Environment.SetEnvironmentVariable(Variable, "1"); // on Windows this is the process environment
            return;
        }

        // On Unix, Environment.SetEnvironmentVariable only changes .NET's copy; native code reads libc's environ.
        var setenv = (delegate* unmanaged<byte*, byte*, int, int>)NativeLibrary.GetExport(NativeLibrary.GetMainProgramHandle(), "setenv");
        fixed (byte* name = Encoding.ASCII.GetBytes(Variable + "\0"))
        fixed (byte* value = "1\0"u8)
        {
            setenv(name, value, 0);
        }
    }
}
