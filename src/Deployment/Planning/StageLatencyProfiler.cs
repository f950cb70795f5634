using System.Diagnostics;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Planning;

/// <summary>
/// Times every stage and exit head of a <see cref="MultiExitNetwork"/> on TorchSharp (inference mode, evaluation mode),
/// at one sample and at a batch, and fits <see cref="AffineLatency"/> lines through the two medians.
/// </summary>
public static class StageLatencyProfiler
{
    /// <summary>
    /// Measures <paramref name="network"/> for samples of shape <paramref name="inputShape"/>: each stage and head runs on
    /// the activation the previous stage produced, <paramref name="warmup"/> untimed and <paramref name="repeats"/> timed
    /// times at 1 and at <paramref name="batchSize"/> samples; the medians give the lines.
    /// </summary>
    public static StageLatencyProfile Measure(MultiExitNetwork network, IReadOnlyList<int> inputShape, int batchSize = 16, int repeats = 7, int warmup = 2)
    {
        Check(network, inputShape, batchSize, repeats, warmup);
        bool wasTraining = network.training;
        network.eval();
        try
        {
            var one = TimeAll(network, inputShape, 1, repeats, warmup);
            var many = batchSize == 1 ? one : TimeAll(network, inputShape, batchSize, repeats, warmup);
            int m = network.ExitCount;
            return new StageLatencyProfile
            {
                Stages = Enumerable.Range(0, m).Select(i => AffineLatency.Fit(one.Stages[i], many.Stages[i], batchSize)).ToArray(),
                Heads = Enumerable.Range(0, m).Select(i => AffineLatency.Fit(one.Heads[i], many.Heads[i], batchSize)).ToArray(),
                BatchSize = batchSize,
                Threads = get_num_threads(),
                Machine = MachineName(),
            };
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    /// <summary>
    /// Median milliseconds of a full forward pass (every stage and head) of <paramref name="batchSize"/> samples, over
    /// <paramref name="repeats"/> timed runs after <paramref name="warmup"/> untimed ones (inference and evaluation mode).
    /// </summary>
    public static double MeasureForward(MultiExitNetwork network, IReadOnlyList<int> inputShape, int batchSize = 16, int repeats = 7, int warmup = 2) =>
        MeasureForward([network], inputShape, batchSize, repeats, warmup)[0];

    /// <summary>
    /// As <see cref="MeasureForward(MultiExitNetwork, IReadOnlyList{int}, int, int, int)"/> for several networks taking
    /// the same input, timed in turns (one pass of each per round) so that a change in the machine's load affects all of
    /// them alike; one median per network.
    /// </summary>
    public static double[] MeasureForward(IReadOnlyList<MultiExitNetwork> networks, IReadOnlyList<int> inputShape, int batchSize = 16, int repeats = 7, int warmup = 2)
    {
        ArgumentNullException.ThrowIfNull(networks);
        if (networks.Count == 0)
        {
            throw new ArgumentException("networks must list at least one network.", nameof(networks));
        }

        foreach (var network in networks)
        {
            Check(network, inputShape, batchSize, repeats, warmup);
        }

        var wasTraining = networks.Select(n => n.training).ToArray();
        foreach (var network in networks)
        {
            network.eval();
        }

        try
        {
            using var inference = inference_mode();
            using var scope = NewDisposeScope();
            var inputs = networks.Select(n => rand([batchSize, .. inputShape.Select(d => (long)d)], device: n.Device)).ToArray();
            void Run(int i)
            {
                foreach (var logits in networks[i].forward(inputs[i]))
                {
                    logits.Dispose();
                }
            }

            for (int w = 0; w < warmup; w++)
            {
                for (int i = 0; i < networks.Count; i++)
                {
                    Run(i);
                }
            }

            var times = networks.Select(_ => new double[repeats]).ToArray();
            for (int r = 0; r < repeats; r++)
            {
                for (int i = 0; i < networks.Count; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    Run(i);
                    times[i][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }

            return times.Select(Median).ToArray();
        }
        finally
        {
            for (int i = 0; i < networks.Count; i++)
            {
                networks[i].train(wasTraining[i]);
            }
        }
    }

    /// <summary>The processor's model name from /proc/cpuinfo, or the OS description where that is not available.</summary>
    public static string MachineName()
    {
        try
        {
            var line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
            if (line is not null)
            {
                return $"{line[(line.IndexOf(':') + 1)..].Trim()}, {Environment.ProcessorCount} cores";
            }
        }
        catch (IOException)
        {
            // Fall through to the OS description.
        }

        return $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores";
    }

    private static void Check(MultiExitNetwork network, IReadOnlyList<int> inputShape, int batchSize, int repeats, int warmup)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        if (inputShape.Count == 0 || inputShape.Any(d => d < 1))
        {
            throw new ArgumentException($"inputShape must list at least one dimension, each >= 1 (one sample, no batch dimension); got [{string.Join(", ", inputShape)}].", nameof(inputShape));
        }
    }

    private static (double[] Stages, double[] Heads) TimeAll(MultiExitNetwork network, IReadOnlyList<int> inputShape, int batch, int repeats, int warmup)
    {
        int m = network.ExitCount;
        var stages = new double[m];
        var heads = new double[m];
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var x = rand([batch, .. inputShape.Select(d => (long)d)], device: network.Device);
        for (int i = 0; i < m; i++)
        {
            var input = x;
            int stage = i;
            stages[i] = Median(repeats, warmup, () => network.ForwardStage(stage, input).Dispose());
            x = network.ForwardStage(i, input);
            var activation = x;
            heads[i] = Median(repeats, warmup, () => network.ForwardExit(stage, activation).Dispose());
        }

        return (stages, heads);
    }

    private static double Median(int repeats, int warmup, Action run)
    {
        for (int i = 0; i < warmup; i++)
        {
            run();
        }

        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return Median(times);
    }

    private static double Median(double[] times)
    {
        var sorted = times.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }
}
