namespace ClassyNet.Edge;

/// <summary>The network a <see cref="LinkEmulator"/> imitates between the edge and the cloud.</summary>
public sealed class LinkEmulatorOptions
{
    /// <summary>Round-trip time added to the path (half in each direction). Default zero.</summary>
    public TimeSpan RoundTripTime { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Capacity of the link in bytes per second, in each direction (a full-duplex link), or null (default) for no cap.
    /// A chunk of b bytes occupies the link for b / capacity seconds; chunks queue behind each other.
    /// </summary>
    public long? BandwidthBytesPerSecond { get; init; }

    /// <summary>Checks every value and says which one is wrong.</summary>
    internal void Validate()
    {
        if (RoundTripTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RoundTripTime), RoundTripTime, "RoundTripTime must be >= 0.");
        }

        if (BandwidthBytesPerSecond is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BandwidthBytesPerSecond), BandwidthBytesPerSecond, "BandwidthBytesPerSecond must be at least 1 (or null for no cap).");
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"RTT {RoundTripTime.TotalMilliseconds:G4} ms, " + (BandwidthBytesPerSecond is long b ? $"{b * 8 / 1e6:G4} Mbit/s" : "no bandwidth cap");
}
