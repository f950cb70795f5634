using System.CommandLine;
using System.Diagnostics;

namespace ClassyNet.Edge.App;

/// <summary>
/// <c>classynet-edge bench</c>: latency of the edge part (ONNX Runtime plus the exit decisions) at a batch size, and the
/// process's peak resident set, as <c>RESULT name value</c> lines for benchmarks/edge_cloud.sh.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var package = EdgeCommandOptions.Package();
        var batch = new Option<int>("--batch") { Description = "Samples per call.", DefaultValueFactory = _ => 1 };
        var seconds = new Option<double>("--seconds") { Description = "How long to time calls (after a warm-up).", DefaultValueFactory = _ => 3 };
        var threads = EdgeCommandOptions.Threads();
        var report = EdgeCommandOptions.Report();
        var command = new Command("bench", "Time the edge part at a batch size and report the process's peak RSS.") { package, batch, seconds, threads, report };
        command.SetAction(r => Run(r.GetValue(package)!, r.GetValue(batch), r.GetValue(seconds), r.GetValue(threads), r.GetValue(report)));
        return command;
    }

    private static int Run(string packagePath, int batch, double seconds, int threads, string? reportPath)
    {
        if (batch < 1 || !(seconds > 0))
        {
            throw new ArgumentException($"--batch must be >= 1 and --seconds > 0; got {batch} and {seconds}.");
        }

        var package = EdgePackage.Load(packagePath);
        using var runtime = new EdgeRuntime(package, new EdgeRuntimeOptions { IntraOpThreads = threads });
        var random = new Random(1);
        var inputs = Enumerable.Range(0, batch * package.Manifest.InputSize).Select(_ => random.NextSingle()).ToArray();
        for (int i = 0; i < 20; i++)
        {
            runtime.Run(inputs, batch);
        }

        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 20 || total.Elapsed.TotalSeconds < seconds)
        {
            long start = Stopwatch.GetTimestamp();
            runtime.Run(inputs, batch);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        times.Sort();
        var report = ProcessReport.Current();
        string tag = $"b{batch}_exit{package.Manifest.SplitExit}";
        Console.WriteLine($"RESULT edge_latency_{tag}_ms {EdgeCommandOptions.F(times[times.Count / 2])}");
        Console.WriteLine($"RESULT edge_latency_{tag}_p99_ms {EdgeCommandOptions.F(times[Math.Min(times.Count - 1, (int)(times.Count * 0.99))])}");
        Console.WriteLine($"RESULT edge_peak_rss_mb {EdgeCommandOptions.F(report.PeakRssBytes / 1048576.0)}");
        Console.WriteLine($"RESULT edge_native_aot {(report.NativeAot ? 1 : 0)}");
        if (reportPath is not null)
        {
            report.Write(reportPath);
        }

        return 0;
    }
}
