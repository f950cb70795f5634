using System.Globalization;

namespace ClassyNet.Cli;

/// <summary>
/// A measured speedup of a model over the baseline, from interleaved timings: the ratio of medians and its spread (the
/// ratio of the baseline's fastest to the model's slowest run, and of the baseline's slowest to the model's fastest).
/// When the MAC speedup of the same samples lies outside that spread, time and MACs disagree by more than the
/// measurement explains, and the time figure is flagged rather than reported as a result.
/// </summary>
/// <param name="Median">Baseline median / model median.</param>
/// <param name="Low">Baseline min / model max.</param>
/// <param name="High">Baseline max / model min.</param>
/// <param name="MacSpeedup">The MAC speedup it is checked against.</param>
internal sealed record TimeSpeedup(double Median, double Low, double High, double MacSpeedup)
{
    /// <summary>The mark a flagged figure carries in tables and text.</summary>
    public const string FlagMark = "⚠";

    /// <summary>What a flagged figure means, for the note under a table.</summary>
    public const string FlagNote = FlagMark + " the time speedup differs from the MAC speedup by more than the spread of the timings: it is not a result (warm-up, machine load or overheads the MAC count does not see).";

    /// <summary>True when the MAC speedup lies outside [Low, High].</summary>
    public bool Disagrees => double.IsFinite(MacSpeedup) && double.IsFinite(Low) && double.IsFinite(High) && (MacSpeedup < Low || MacSpeedup > High);

    /// <summary>The speedup of <paramref name="model"/> over <paramref name="baseline"/> (per-sample timings of the same samples).</summary>
    public static TimeSpeedup Of(TimingStats baseline, TimingStats model, double macSpeedup)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(model);
        return new TimeSpeedup(baseline.Median / model.Median, baseline.Min / model.Max, baseline.Max / model.Min, macSpeedup);
    }

    /// <summary>"1.02x (0.97-1.06)", with <see cref="FlagMark"/> appended when it disagrees with the MAC speedup.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Median:F2}x ({Low:F2}-{High:F2})") + (Disagrees ? " " + FlagMark : string.Empty);
}
