using System.Globalization;
using ClassyNet.MLNet.Deployment.Budgets;

namespace ClassyNet.MLNet.Deployment.Planning;

/// <summary>
/// The edge-cloud link: a fixed round-trip latency paid once per batch that sends anything (the paper measured about
/// 200 ms per batch) and a bandwidth that the bytes sent and received share.
/// </summary>
public sealed record LinkProfile
{
    /// <summary>Creates a link; <paramref name="roundTripMs"/> &gt;= 0, <paramref name="bandwidthBytesPerSecond"/> &gt; 0 (may be infinity).</summary>
    public LinkProfile(double roundTripMs, double bandwidthBytesPerSecond)
    {
        if (!double.IsFinite(roundTripMs) || roundTripMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(roundTripMs), roundTripMs, "roundTripMs must be a finite number of milliseconds >= 0.");
        }

        if (double.IsNaN(bandwidthBytesPerSecond) || bandwidthBytesPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bandwidthBytesPerSecond), bandwidthBytesPerSecond, "bandwidthBytesPerSecond must be > 0 (infinity for an unlimited link).");
        }

        RoundTripMs = roundTripMs;
        BandwidthBytesPerSecond = bandwidthBytesPerSecond;
    }

    /// <summary>Added latency per round trip (milliseconds).</summary>
    public double RoundTripMs { get; }

    /// <summary>Bytes per second.</summary>
    public double BandwidthBytesPerSecond { get; }

    /// <summary>Milliseconds to move <paramref name="bytes"/> over the link (without the round trip).</summary>
    public double TransferMs(double bytes) => double.IsPositiveInfinity(BandwidthBytesPerSecond) ? 0 : 1000 * bytes / BandwidthBytesPerSecond;

    /// <summary>
    /// Parses a bandwidth: bytes per second with binary units (<c>B/s</c>, <c>KB/s</c>, <c>MB/s</c>, <c>GB/s</c>, as
    /// <see cref="MemoryBudget.Parse"/>) or bits per second with the decimal units networks use (<c>kbit/s</c>,
    /// <c>Mbit/s</c>, <c>Gbit/s</c>), or <c>unlimited</c>.
    /// </summary>
    /// <exception cref="FormatException">Not a bandwidth; the message names the value and the accepted forms.</exception>
    public static double ParseBandwidth(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t.Equals("unlimited", StringComparison.OrdinalIgnoreCase) || t.Equals("inf", StringComparison.OrdinalIgnoreCase))
        {
            return double.PositiveInfinity;
        }

        string Form() => $"'{text}' is not a bandwidth; expected e.g. 1MB/s, 250KB/s (bytes, binary units), 10Mbit/s, 54Mbit/s (bits, decimal units) or unlimited.";
        if (!t.EndsWith("/s", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException(Form());
        }

        t = t[..^2].Trim();
        foreach (var (suffix, bits) in new[] { ("gbit", 1e9), ("mbit", 1e6), ("kbit", 1e3), ("bit", 1.0) })
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return double.TryParse(t[..^suffix.Length].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0
                    ? v * bits / 8
                    : throw new FormatException(Form());
            }
        }

        try
        {
            return MemoryBudget.Parse(t).Bytes;
        }
        catch (FormatException e)
        {
            throw new FormatException(Form(), e);
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{RoundTripMs:G4} ms round trip, {(double.IsPositiveInfinity(BandwidthBytesPerSecond) ? "unlimited" : MemoryBudget.Format((long)BandwidthBytesPerSecond) + "/s")}");
}
