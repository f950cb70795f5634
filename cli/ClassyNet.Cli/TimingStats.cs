using System.Globalization;

namespace ClassyNet.Cli;

/// <summary>Repeated timings of one workload: the fastest, median and slowest run, in milliseconds per sample.</summary>
/// <param name="Min">Fastest run.</param>
/// <param name="Median">Median run.</param>
/// <param name="Max">Slowest run.</param>
/// <param name="Runs">Number of timed runs.</param>
internal sealed record TimingStats(double Min, double Median, double Max, int Runs)
{
    /// <summary>Statistics of <paramref name="runs"/> (milliseconds per sample each; at least one).</summary>
    public static TimingStats From(IReadOnlyList<double> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("At least one timed run is needed.", nameof(runs));
        }

        var sorted = runs.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
        return new TimingStats(sorted[0], median, sorted[^1], n);
    }

    /// <summary>"median (min-max)" in milliseconds per sample to three significant digits, e.g. "2.31 (2.29-2.41)".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Median:G3} ({Min:G3}-{Max:G3})");
}
