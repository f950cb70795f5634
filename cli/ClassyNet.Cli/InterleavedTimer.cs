namespace ClassyNet.Cli;

/// <summary>
/// Times one workload per model against each other so that no model gains from running later (warmer caches, JIT,
/// another job finishing): warm-up rounds that are not timed, then rounds in which every model runs once, in an order
/// rotated by one each round (round r starts with model r mod n). Each model's runs give min/median/max.
/// </summary>
/// <param name="clock">The clock (a fake one in tests).</param>
internal sealed class InterleavedTimer(TimeProvider clock)
{
    /// <summary>The least number of timed rounds: min, median and max mean little with fewer.</summary>
    public const int MinimumRepeats = 5;

    /// <summary>A timer on the system's monotonic clock.</summary>
    public static InterleavedTimer System { get; } = new(TimeProvider.System);

    /// <summary>
    /// Runs <paramref name="warmups"/> untimed rounds and <paramref name="repeats"/> timed ones over
    /// <paramref name="runs"/> (one per model, each over <paramref name="samples"/> samples) and returns each model's
    /// milliseconds per sample. <paramref name="afterEachRun"/>, when given, runs after every run, warm-up or timed, outside
    /// the timed span (the report returns libtorch's freed memory to the system there).
    /// </summary>
    public IReadOnlyList<TimingStats> Time(IReadOnlyList<Action> runs, int samples, int warmups, int repeats, CancellationToken cancellation, Action? afterEachRun = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmups);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        int n = runs.Count;
        for (int w = 0; w < warmups; w++)
        {
            foreach (int i in Order(w, n))
            {
                cancellation.ThrowIfCancellationRequested();
                runs[i]();
                afterEachRun?.Invoke();
            }
        }

        var times = Enumerable.Range(0, n).Select(_ => new double[repeats]).ToArray();
        for (int r = 0; r < repeats; r++)
        {
            foreach (int i in Order(r, n))
            {
                cancellation.ThrowIfCancellationRequested();
                long start = clock.GetTimestamp();
                runs[i]();
                times[i][r] = clock.GetElapsedTime(start).TotalMilliseconds / samples;
                afterEachRun?.Invoke();
            }
        }

        return times.Select(TimingStats.From).ToArray();
    }

    /// <summary>The order in which the models run in round <paramref name="round"/>: a rotation starting at model round mod count.</summary>
    public static IEnumerable<int> Order(int round, int count) => Enumerable.Range(0, count).Select(j => (round + j) % count);
}
