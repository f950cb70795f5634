using System.Diagnostics;
using System.Globalization;
using ClassyNet.MLNet.Tensors.Kernels;

namespace ClassyNet.MLNet.Benchmarks;

/// <summary>
/// Fast Stopwatch measurements of the five benchmark metrics (a few seconds each), printed as a table and as
/// <c>RESULT name value</c> lines that <c>benchmarks/run.sh</c> parses.
/// </summary>
public static class QuickRunner
{
    /// <summary>
    /// Runs every measurement (or only those whose name contains <paramref name="only"/>) for about
    /// <paramref name="seconds"/> each and prints the results.
    /// </summary>
    public static void Run(double seconds, TextWriter output, string? only = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var workload = new R20Workload();
        var sgemm = new SgemmBenchmarks();
        var results = new List<(string Name, double Value, string Unit)>();

        bool Selected(string name) => only is null || name.Contains(only, StringComparison.Ordinal);
        if (Selected("train_samples_per_s"))
        {
            var train = Measure(() => workload.TrainStep(), seconds);
            results.Add(("train_samples_per_s", workload.TrainBatchSize / train.Mean, "samples/s"));
        }

        if (Selected("latency_b1_all_exits_ms"))
        {
            var full = Measure(() => workload.LatencyAllExits(), seconds);
            results.Add(("latency_b1_all_exits_ms", full.Median * 1e3, "ms"));
        }

        if (Selected("latency_b1_exit1_ms"))
        {
            var exit1 = Measure(() => workload.LatencyExit1(), seconds);
            results.Add(("latency_b1_exit1_ms", exit1.Median * 1e3, "ms"));
        }

        if (Selected("latency_b1_all_exits_1thread_ms") || Selected("latency_b1_exit1_1thread_ms"))
        {
            // The same latencies on one thread: less sensitive to other processes on a shared machine.
            int threads = Parallelism.ThreadCount;
            Parallelism.ThreadCount = 1;
            try
            {
                results.Add(("latency_b1_all_exits_1thread_ms", Measure(() => workload.LatencyAllExits(), seconds).Median * 1e3, "ms"));
                results.Add(("latency_b1_exit1_1thread_ms", Measure(() => workload.LatencyExit1(), seconds).Median * 1e3, "ms"));
            }
            finally
            {
                Parallelism.ThreadCount = threads;
            }
        }

        if (Selected("infer_b256_samples_per_s"))
        {
            var batch = Measure(() => workload.InferBatch(), seconds);
            results.Add(("infer_b256_samples_per_s", workload.InferenceBatchSize / batch.Mean, "samples/s"));
        }

        if (Selected("sgemm_512_gflops"))
        {
            var gemm = Measure(sgemm.Run, seconds);
            results.Add(("sgemm_512_gflops", 2.0 * Math.Pow(SgemmBenchmarks.Size, 3) / gemm.Mean / 1e9, "GFLOP/s"));
        }

        if (Selected("alloc_bytes_per_train_step"))
        {
            results.Add(("alloc_bytes_per_train_step", AllocatedPerStep(workload), "bytes"));
        }

        output.WriteLine($"# ClassyNet.MLNet quick benchmark: {Environment.ProcessorCount} processors, threads {Parallelism.ThreadCount}, SGEMM kernel {Gemm.BestPath}");
        output.WriteLine($"| {"metric",-28} | {"value",14} | unit |");
        output.WriteLine($"|{new string('-', 30)}|{new string('-', 16)}|------|");
        foreach (var (name, value, unit) in results)
        {
            output.WriteLine($"| {name,-28} | {value.ToString("F3", CultureInfo.InvariantCulture),14} | {unit} |");
        }

        foreach (var (name, value, _) in results)
        {
            output.WriteLine(FormattableString.Invariant($"RESULT {name} {value:R}"));
        }
    }

    /// <summary>Managed bytes allocated (all threads) per steady-state training step, averaged over ten steps.</summary>
    private static double AllocatedPerStep(R20Workload workload)
    {
        for (int i = 0; i < 3; i++)
        {
            workload.TrainStep();
        }

        const int Steps = 10;
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < Steps; i++)
        {
            workload.TrainStep();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Steps;
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
