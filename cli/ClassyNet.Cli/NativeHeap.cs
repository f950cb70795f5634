using System.Runtime.InteropServices;

namespace ClassyNet.Cli;

/// <summary>
/// Hands memory that libtorch has freed back to the operating system. libtorch allocates its tensors with the C
/// library's malloc; glibc keeps freed blocks in per-thread arenas for reuse, and batches of changing sizes (early exit
/// compacts every batch) fragment them, so a long evaluation's resident set kept growing although its live tensors did
/// not. <c>malloc_trim(0)</c> after each batch returns the free pages of every arena. Only on Linux with glibc;
/// elsewhere (musl, Windows, macOS) it does nothing.
/// </summary>
internal static partial class NativeHeap
{
    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Returns free heap pages to the system; a no-op where the C library has no <c>malloc_trim</c>.</summary>
    public static void Trim()
    {
        if (_unavailable)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
