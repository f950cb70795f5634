using ScottPlot;

namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// The look shared by the report figures: a sans-serif family that exists on this machine (ScottPlot's default family
/// is a serif one, and with no usable font it silently draws no text, so a missing font is an error here), and the
/// class and series colours.
/// </summary>
internal static class FigureStyle
{
    /// <summary>Sans-serif families tried in order; the first one ScottPlot resolves to itself is used.</summary>
    internal static readonly IReadOnlyList<string> SansCandidates = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "FreeSans"];

    private static readonly Lazy<string> Sans = new(() => ResolveFamily(SansCandidates));

    /// <summary>Colours for classes 0, 1, 2, ... (blue, green, orange, yellow as in the paper's 2-D figures, then more).</summary>
    internal static IReadOnlyList<Color> ClassColors { get; } =
        [.. new[] { "#1f77b4", "#2ca02c", "#ff7f0e", "#e6c619", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#d62728" }.Select(Color.FromHex)];

    /// <summary>Line colours, in series order.</summary>
    internal static IReadOnlyList<Color> SeriesColors { get; } =
        [.. new[] { "#7f7f7f", "#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2" }.Select(Color.FromHex)];

    /// <summary>The sans-serif family every figure's text is set in.</summary>
    /// <exception cref="InvalidOperationException">No sans-serif font is installed.</exception>
    internal static string SansFamily => Sans.Value;

    /// <summary>Colour of class <paramref name="index"/> (cycling past the palette).</summary>
    internal static Color ClassColor(int index) => ClassColors[index % ClassColors.Count];

    /// <summary>Colour of series <paramref name="index"/> (cycling past the palette).</summary>
    internal static Color SeriesColor(int index) => SeriesColors[index % SeriesColors.Count];

    /// <summary>
    /// The first of <paramref name="families"/> that ScottPlot resolves to a typeface of that family (it falls back to
    /// another family, or to nothing, when one is missing).
    /// </summary>
    /// <exception cref="InvalidOperationException">None of them is installed; the message says how to get one.</exception>
    internal static string ResolveFamily(IReadOnlyList<string> families)
    {
        foreach (string family in families)
        {
            using var typeface = Fonts.GetTypeface(family, bold: false, italic: false);
            if (typeface is not null && string.Equals(typeface.FamilyName, family, StringComparison.OrdinalIgnoreCase))
            {
                return family;
            }
        }

        throw new InvalidOperationException(
            $"No sans-serif font for the figures: none of {string.Join(", ", families)} is installed, and without a font the figures would have no text. " +
            "Install one (Debian/Ubuntu: apt-get install fonts-dejavu-core; the figures read /usr/share/fonts).");
    }

    /// <summary>Sets every text element of <paramref name="plot"/> (title, axes, ticks, legend) in <see cref="SansFamily"/>; call after adding plottables.</summary>
    internal static void ApplyFont(Plot plot)
    {
        string family = SansFamily;
        plot.Font.Set(family);
        plot.Legend.FontName = family;
        foreach (var text in plot.GetPlottables<ScottPlot.Plottables.Text>())
        {
            text.LabelStyle.FontName = family;
        }
    }
}
