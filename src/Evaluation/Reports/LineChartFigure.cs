using System.Globalization;

namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// A line chart (e.g. the paper's Fig. 9, latency against the share of the target class): one coloured line with point
/// markers per series, axes with rounded ticks and grid lines, axis labels, a title and a legend to the right of the
/// plot. Drawn at 800 x 480 pixels so it reads at that width.
/// </summary>
public static class LineChartFigure
{
    /// <summary>Line colours, in series order (then repeated with dashes).</summary>
    public static IReadOnlyList<string> SeriesColors { get; } = ["#7f7f7f", "#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"];

    /// <summary>Draws the chart.</summary>
    /// <param name="series">The lines (at least one, each with matching X and Y counts and at least one finite point).</param>
    /// <param name="title">Figure title.</param>
    /// <param name="xLabel">X-axis label.</param>
    /// <param name="yLabel">Y-axis label.</param>
    /// <param name="yFromZero">Start the y axis at 0 (default) instead of just below the smallest value.</param>
    /// <param name="xTickSuffix">Text after each x tick value (e.g. "%").</param>
    public static SvgWriter Render(IReadOnlyList<LineSeries> series, string title, string xLabel, string yLabel, bool yFromZero = true, string xTickSuffix = "")
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        if (series.Count == 0)
        {
            throw new ArgumentException("series must hold at least one line.", nameof(series));
        }

        for (int s = 0; s < series.Count; s++)
        {
            if (series[s] is null || series[s].X.Count != series[s].Y.Count || !Points(series[s]).Any())
            {
                throw new ArgumentException($"series[{s}] must have as many X as Y values and at least one finite point.", nameof(series));
            }
        }

        const double width = 800, height = 480, left = 84, top = 64, legendWidth = 170;
        double right = width - legendWidth - 20, bottom = height - 70;
        var all = series.SelectMany(Points).ToList();
        double xMin = all.Min(p => p.X), xMax = all.Max(p => p.X);
        double yMin = yFromZero ? Math.Min(0, all.Min(p => p.Y)) : all.Min(p => p.Y), yMax = all.Max(p => p.Y);
        var (xLo, xHi, xStep) = NiceRange(xMin, xMax, 9);
        var (yLo, yHi, yStep) = NiceRange(yMin, yMax, 6);
        if (yFromZero && yMin >= 0)
        {
            yLo = 0;
        }

        double X(double v) => left + ((v - xLo) / (xHi - xLo) * (right - left));
        double Y(double v) => bottom - ((v - yLo) / (yHi - yLo) * (bottom - top));

        var svg = new SvgWriter(width, height);
        svg.Text(width / 2, 30, title, 17, "middle", bold: true);
        svg.Rect(left, top, right - left, bottom - top, "#fafafa", "#d0d0d0");
        for (double v = yLo; v <= yHi + (yStep / 2); v += yStep)
        {
            svg.Line(left, Y(v), right, Y(v), "#e2e2e2");
            svg.Line(left - 5, Y(v), left, Y(v), "#333");
            svg.Text(left - 8, Y(v) + 4, Format(v, yStep), 12, "end");
        }

        for (double v = xLo; v <= xHi + (xStep / 2); v += xStep)
        {
            svg.Line(X(v), top, X(v), bottom, "#eeeeee");
            svg.Line(X(v), bottom, X(v), bottom + 5, "#333");
            svg.Text(X(v), bottom + 20, Format(v, xStep) + xTickSuffix, 12, "middle");
        }

        svg.Line(left, bottom, right, bottom, "#333", 1.2);
        svg.Line(left, top, left, bottom, "#333", 1.2);
        svg.Text((left + right) / 2, bottom + 48, xLabel, 13, "middle");
        svg.Text(22, (top + bottom) / 2, yLabel, 13, "middle", rotate: -90);

        for (int s = 0; s < series.Count; s++)
        {
            string color = SeriesColors[s % SeriesColors.Count];
            var points = Points(series[s]).OrderBy(p => p.X).Select(p => (X(p.X), Y(p.Y))).ToList();
            svg.Polyline(points, color, 2.5);
            foreach (var (px, py) in points)
            {
                svg.Circle(px, py, 4, color, "white");
            }

            double ly = top + 16 + (s * 24);
            svg.Line(right + 20, ly - 4, right + 46, ly - 4, color, 2.5);
            svg.Circle(right + 33, ly - 4, 4, color, "white");
            svg.Text(right + 54, ly, Shorten(series[s].Name, 16), 13);
        }

        return svg;
    }

    private static IEnumerable<(double X, double Y)> Points(LineSeries s) =>
        s.X.Zip(s.Y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).Select(p => (p.First, p.Second));

    /// <summary>A rounded axis range [lo, hi] covering [min, max] with about <paramref name="ticks"/> steps of 1, 2, 2.5 or 5 x 10^k.</summary>
    private static (double Lo, double Hi, double Step) NiceRange(double min, double max, int ticks)
    {
        if (max - min < 1e-12)
        {
            double pad = Math.Abs(max) > 1e-12 ? Math.Abs(max) * 0.1 : 1;
            min -= pad;
            max += pad;
        }

        double raw = (max - min) / ticks;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(s => s >= raw);
        return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    private static string Format(double value, double step)
    {
        int decimals = 0;
        while (decimals < 6 && Math.Abs((step * Math.Pow(10, decimals)) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6)
        {
            decimals++;
        }

        if (Math.Abs(value) < step * 1e-6)
        {
            value = 0;
        }

        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
