using System.Diagnostics;
using System.Globalization;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Benchmarks;

/// <summary>
/// Fast Stopwatch measurements of the benchmark figures, printed as a table and as <c>RESULT name value</c> lines that
/// <c>benchmarks/run.sh</c> parses (the names <c>benchmarks/pytorch_bench.py</c> prints for the same figures).
/// </summary>
public static class QuickRunner
{
    /// <summary>What to run: seconds per measurement, libtorch threads, images for the early-exit figure, and an optional name filter.</summary>
    public sealed record Settings(double Seconds, int Threads, int Images, string? Only);

    /// <summary>Runs every measurement selected by <see cref="Settings.Only"/> and prints the results.</summary>
    public static void Run(Settings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        set_num_threads(settings.Threads);
        var results = new List<(string Name, double Value, string Unit)>();
        bool Selected(string name) => settings.Only is null || name.Contains(settings.Only, StringComparison.Ordinal);
        double seconds = settings.Seconds;
        using (var workload = new R20Workload())
        {
            if (Selected("train_samples_per_s"))
            {
                var train = Measure(() => workload.TrainEpoch(), seconds);
                results.Add(("train_samples_per_s", workload.TrainSamples / train.Mean, "samples/s"));
            }

            if (Selected("train_plain_samples_per_s"))
            {
                var plain = Measure(() => workload.PlainTrainStep(), seconds);
                results.Add(("train_plain_samples_per_s", workload.TrainBatchSize / plain.Mean, "samples/s"));
            }

            if (Selected("latency_b1"))
            {
                results.Add(("latency_b1_all_exits_ms", Measure(() => workload.LatencyAllExits(), seconds).Median * 1e3, "ms"));
                results.Add(("latency_b1_exit1_ms", Measure(() => workload.LatencyExit1(), seconds).Median * 1e3, "ms"));

                // The same latencies on one thread: less sensitive to other processes on a shared machine.
                set_num_threads(1);
                results.Add(("latency_b1_all_exits_1thread_ms", Measure(() => workload.LatencyAllExits(), seconds).Median * 1e3, "ms"));
                results.Add(("latency_b1_exit1_1thread_ms", Measure(() => workload.LatencyExit1(), seconds).Median * 1e3, "ms"));
                set_num_threads(settings.Threads);
            }

            if (Selected("infer_b256_samples_per_s"))
            {
                var batch = Measure(() => workload.InferBatch(), seconds);
                results.Add(("infer_b256_samples_per_s", workload.InferenceBatchSize / batch.Mean, "samples/s"));
            }

            if (Selected("alloc_bytes_per_train_step"))
            {
                results.Add(("alloc_bytes_per_train_step", AllocatedPerStep(workload), "bytes"));
            }
        }

        if (Selected("early_exit"))
        {
            var early = new EarlyExitWorkload(settings.Images);
            Console.Error.WriteLine($"  early exit over {early.Source}");
            early.RunEarlyExit(); // warm-up
            var full = early.RunFull();
            var exit = early.RunEarlyExit();
            double speedup = full.Seconds / exit.Seconds, macRatio = full.AverageMacs / exit.AverageMacs;
            results.Add(("early_exit_speedup", speedup, "x"));
            results.Add(("early_exit_mac_ratio", macRatio, "x"));
            results.Add(("early_exit_speedup_over_mac_ratio", speedup / macRatio, "ratio"));
        }

        if (Selected("predict_loop_rss"))
        {
            var (start, end) = PredictLoopMemory(Math.Max(seconds, 5));
            results.Add(("predict_loop_rss_start_mb", start, "MB"));
            results.Add(("predict_loop_rss_end_mb", end, "MB"));
            results.Add(("predict_loop_rss_growth_mb", end - start, "MB"));
        }

        if (Selected("evaluate_peak_rss_mb"))
        {
            results.Add(("evaluate_peak_rss_mb", EvaluatePeakRss(settings.Threads), "MB"));
        }

        output.WriteLine($"# ClassyNet.MLNet quick benchmark (TorchSharp, libtorch CPU): {Environment.ProcessorCount} processors, threads {settings.Threads}");
        output.WriteLine($"| {"metric",-34} | {"value",14} | unit |");
        output.WriteLine($"|{new string('-', 36)}|{new string('-', 16)}|------|");
        foreach (var (name, value, unit) in results)
        {
            output.WriteLine($"| {name,-34} | {value.ToString("F3", CultureInfo.InvariantCulture),14} | {unit} |");
        }

        foreach (var (name, value, _) in results)
        {
            output.WriteLine(FormattableString.Invariant($"RESULT {name} {value:R}"));
        }
    }

    /// <summary>Managed bytes allocated (all threads) per steady-state training step, averaged over one epoch of ten steps.</summary>
    private static double AllocatedPerStep(R20Workload workload)
    {
        workload.TrainEpoch();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        workload.TrainEpoch();
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)(workload.TrainSamples / workload.TrainBatchSize);
    }

    /// <summary>
    /// Process memory (resident set, MB) of a long loop of batch-1 and batch-64 early-exit predictions through the
    /// pipeline's entry point: after a warm-up, and after <paramref name="seconds"/> more of predicting.
    /// </summary>
    private static (double StartMb, double EndMb) PredictLoopMemory(double seconds)
    {
        var sets = ExitClassSets.Incremental([[9], [8]], classCount: 10);
        var model = ClassyNetModel.Create(NetworkSpec.ResNet(20, [7, 13, 20], 1, 28, 10), sets, [0.3f, 0.2f], seed: 1);
        var predictor = model.CreatePredictor();
        var random = new Random(5);
        var inputs = Enumerable.Range(0, 64 * 784).Select(_ => (float)random.NextDouble()).ToArray();
        void Loop(TimeSpan duration)
        {
            var watch = Stopwatch.StartNew();
            for (int i = 0; watch.Elapsed < duration; i++)
            {
                predictor.PredictBatch(inputs.AsSpan((i % 64) * 784, 784), 1);
                if (i % 16 == 0)
                {
                    predictor.PredictBatch(inputs, 64);
                }
            }
        }

        Loop(TimeSpan.FromSeconds(Math.Min(2, seconds / 3)));
        double start = ResidentMegabytes();
        Loop(TimeSpan.FromSeconds(seconds));
        return (start, ResidentMegabytes());
    }

    private static double ResidentMegabytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64 / 1048576.0;
    }

    /// <summary>
    /// Peak resident set (VmHWM, MB) of <c>classynet evaluate</c> on the 10,000 Fashion-MNIST test images with an R20-3E
    /// model, run as a child process from the built CLI; NaN (with a note) when the CLI or the data is missing.
    /// </summary>
    private static double EvaluatePeakRss(int threads)
    {
        string? cli = FindCli();
        if (cli is null || !FashionMnist.IsAvailable())
        {
            Console.Error.WriteLine("  evaluate_peak_rss_mb: needs cli/ClassyNet.Cli built in Release (benchmarks/run.sh builds it) and Fashion-MNIST installed; skipped.");
            return double.NaN;
        }

        string dir = Directory.CreateTempSubdirectory("classynet-bench").FullName;
        try
        {
            string model = Path.Combine(dir, "r20.zip");
            var sets = ExitClassSets.Incremental([[9], [8]], classCount: 10);
            ClassyNetModel.Create(NetworkSpec.ResNet(20, [7, 13, 20], 1, 28, 10), sets, [0.3f, 0.2f], seed: 1).Save(model);
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { cli, "evaluate", model, "--dataset", "fashion-mnist" })
            {
                info.ArgumentList.Add(a);
            }

            info.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the CLI");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            double peak = 0;
            string status = $"/proc/{process.Id}/status";
            while (!process.WaitForExit(20))
            {
                try
                {
                    foreach (var line in File.ReadLines(status))
                    {
                        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        {
                            peak = Math.Max(peak, double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0);
                        }
                    }
                }
                catch (IOException)
                {
                    // The process exited between the check and the read.
                }
            }

            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"  classynet evaluate failed ({process.ExitCode}): {stderr.Result}");
                return double.NaN;
            }

            Console.Error.WriteLine($"  classynet evaluate: {stdout.Result.Split('\n').FirstOrDefault(l => l.Contains("accuracy", StringComparison.OrdinalIgnoreCase))?.Trim()}");
            return peak;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string? FindCli()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "cli", "ClassyNet.Cli", "bin", "Release", "net10.0", "classynet.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Warms up, then times single calls for about <paramref name="seconds"/>; returns mean and median seconds per call.</summary>
    private static (double Mean, double Median) Measure(Action action, double seconds)
    {
        var warm = Stopwatch.StartNew();
        int warmCalls = 0;
        while (warmCalls < 3 || warm.Elapsed.TotalSeconds < Math.Min(1.0, seconds / 3))
        {
            action();
            warmCalls++;
        }

        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 5 || total.Elapsed.TotalSeconds < seconds)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        times.Sort();
        Console.Error.WriteLine(FormattableString.Invariant($"  {times.Count} calls: min {times[0] * 1e3:F3} ms, median {times[times.Count / 2] * 1e3:F3} ms, mean {times.Average() * 1e3:F3} ms"));
        return (times.Average(), times[times.Count / 2]);
    }
}
