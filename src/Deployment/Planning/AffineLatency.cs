using System.Globalization;

namespace ClassyNet.MLNet.Deployment.Planning;

/// <summary>
/// Latency of one stage or head as a function of how many samples it runs: <see cref="FixedMs"/> per call plus
/// <see cref="PerSampleMs"/> per sample, and nothing when no sample reaches it.
/// </summary>
/// <param name="FixedMs">Cost of a call independent of the batch (milliseconds, &gt;= 0).</param>
/// <param name="PerSampleMs">Cost per sample in the call (milliseconds, &gt;= 0).</param>
public sealed record AffineLatency(double FixedMs, double PerSampleMs)
{
    /// <summary>A stage that costs nothing.</summary>
    public static AffineLatency Zero { get; } = new(0, 0);

    /// <summary>Fits the line through a call of one sample taking <paramref name="oneMs"/> and a call of <paramref name="batchSize"/> samples taking <paramref name="batchMs"/> (both clamped to &gt;= 0).</summary>
    public static AffineLatency Fit(double oneMs, double batchMs, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (!double.IsFinite(oneMs) || !double.IsFinite(batchMs) || oneMs < 0 || batchMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(oneMs), $"Timings must be finite and >= 0; got {oneMs} ms for one sample and {batchMs} ms for {batchSize}.");
        }

        if (batchSize == 1)
        {
            return new AffineLatency(0, oneMs);
        }

        double perSample = Math.Max(0, (batchMs - oneMs) / (batchSize - 1));
        return new AffineLatency(Math.Max(0, oneMs - perSample), perSample);
    }

    /// <summary>Milliseconds for a call of <paramref name="samples"/> samples (0 for none).</summary>
    public double At(double samples) => samples <= 0 ? 0 : FixedMs + (PerSampleMs * samples);

    /// <summary>This latency times <paramref name="factor"/> (a slower or faster machine).</summary>
    public AffineLatency Scaled(double factor) => new(FixedMs * factor, PerSampleMs * factor);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{FixedMs:G4} ms + {PerSampleMs:G4} ms/sample");
}
