using System.Globalization;

namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>
/// A device memory size, e.g. the paper's 470 KB or 2.31 MB edge budgets (Section VI-B, Table IV).
/// </summary>
/// <remarks>
/// Units are binary: K/KB/KiB = 1024 bytes, M/MB/MiB = 1024^2, G/GB/GiB = 1024^3. The paper's own example needs that
/// reading: it calls 16 x 150,912 = 2,414,592 bytes "2.31 MB", which is 2.30 MiB but 2.41 decimal MB, so only the
/// binary 2.31 MB (2,422,210 bytes) holds it.
/// </remarks>
/// <param name="Label">The size as written, e.g. <c>2.31 MB</c>.</param>
/// <param name="Bytes">The size in bytes.</param>
public sealed record MemoryBudget(string Label, long Bytes)
{
    /// <summary>
    /// Parses a size such as <c>470KB</c>, <c>2.31MB</c>, <c>2.31 MiB</c>, <c>112M</c>, <c>1.5GB</c> or a plain byte count
    /// <c>1048576</c> (binary units, see the remarks on <see cref="MemoryBudget"/>).
    /// </summary>
    /// <exception cref="FormatException">The text is not a positive size with a known unit; the message names the value.</exception>
    public static MemoryBudget Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        int split = t.Length;
        while (split > 0 && char.IsLetter(t[split - 1]))
        {
            split--;
        }

        string number = t[..split].Trim(), unit = t[split..].ToUpperInvariant();
        long scale = unit switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            _ => -1,
        };
        if (scale < 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value <= 0)
        {
            throw new FormatException($"'{text}' is not a memory size; expected a positive number with an optional unit B, KB, MB or GB (binary: 1 KB = 1024 bytes), e.g. 470KB, 2.31MB, 112MB or 1048576.");
        }

        double bytes = Math.Floor(value * scale);
        if (bytes < 1 || bytes > long.MaxValue / 2)
        {
            throw new FormatException($"'{text}' is {bytes:G4} bytes; expected a size between 1 byte and {long.MaxValue / 2} bytes.");
        }

        string label = unit.Length == 0 ? $"{(long)bytes} B" : $"{number} {(unit.Length == 1 ? unit + "B" : unit.Replace("IB", "iB", StringComparison.Ordinal))}";
        return new MemoryBudget(label, (long)bytes);
    }

    /// <summary>Parses a comma-separated list of sizes (<see cref="Parse"/>), e.g. <c>470KB,2.31MB,5.54MB</c>.</summary>
    public static IReadOnlyList<MemoryBudget> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToArray() is { Length: > 0 } list
            ? list
            : throw new FormatException($"'{text}' lists no memory size; expected e.g. 470KB,2.31MB.");
    }

    /// <summary>Formats a byte count in binary units with three significant digits, e.g. <c>2.30 MB</c> for 2,414,592.</summary>
    public static string Format(long bytes)
    {
        double b = bytes;
        (double value, string unit) = b switch
        {
            >= 1L << 30 => (b / (1L << 30), "GB"),
            >= 1L << 20 => (b / (1L << 20), "MB"),
            >= 1L << 10 => (b / (1L << 10), "KB"),
            _ => (b, "B"),
        };
        string format = unit == "B" ? "F0" : value >= 100 ? "F0" : value >= 10 ? "F1" : "F2";
        return value.ToString(format, CultureInfo.InvariantCulture) + " " + unit;
    }

    /// <inheritdoc />
    public override string ToString() => Label;
}
