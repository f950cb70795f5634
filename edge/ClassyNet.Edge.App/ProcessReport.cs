using System.Text.Json;

namespace ClassyNet.Edge.App;

/// <summary>
/// What this process has loaded and how much memory it has used: managed assemblies, shared libraries mapped into the
/// address space (from /proc/self/maps), and the peak resident set (VmHWM). Written on request so tests and benchmarks
/// can check that no TorchSharp or libtorch is in the edge process and measure its footprint.
/// </summary>
internal sealed class ProcessReport
{
    public required string[] Assemblies { get; init; }

    public required string[] NativeLibraries { get; init; }

    public required long PeakRssBytes { get; init; }

    public required bool NativeAot { get; init; }

    /// <summary>Reads the report of the current process.</summary>
    public static ProcessReport Current() => new()
    {
        Assemblies = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "?").Order(StringComparer.Ordinal).ToArray(),
        NativeLibraries = MappedLibraries(),
        PeakRssBytes = PeakRss(),
        NativeAot = !System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported,
    };

    /// <summary>Peak resident set of this process in bytes (VmHWM of /proc/self/status), or -1 where there is none.</summary>
    public static long PeakRss()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return -1;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, ProcessReportJson.Default.ProcessReport));

    private static string[] MappedLibraries()
    {
        const string path = "/proc/self/maps";
        if (!File.Exists(path))
        {
            return [];
        }

        return File.ReadLines(path)
            .Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length == 6 && p[5].Contains(".so", StringComparison.Ordinal))
            .Select(p => p[5].Trim())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
