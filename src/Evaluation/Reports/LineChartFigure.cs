using System.Globalization;
using ScottPlot;

namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// A line chart (e.g. the paper's Fig. 9, latency against the share of the target class), drawn with ScottPlot at
/// 900 x 520 pixels: one coloured line with point markers per series (and error bars where a series gives ranges),
/// axis labels, a title and a legend to the right of the plot.
/// </summary>
public static class LineChartFigure
{
    /// <summary>Width of the figure in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of the figure in pixels.</summary>
    public const int Height = 520;

    /// <summary>Draws the chart.</summary>
    /// <param name="series">The lines (at least one, each with matching counts and at least one finite point).</param>
    /// <param name="title">Figure title.</param>
    /// <param name="xLabel">X-axis label.</param>
    /// <param name="yLabel">Y-axis label.</param>
    /// <param name="yFromZero">Start the y axis at 0 (default) instead of just below the smallest value.</param>
    /// <param name="xTickSuffix">Text after each x tick value (e.g. "%").</param>
    /// <param name="xTicks">X positions of the ticks (e.g. the measured shares); null: chosen automatically.</param>
    /// <param name="xTickLabels">Text of each tick in <paramref name="xTicks"/> (e.g. memory budgets on an index axis), same count; null: the value and <paramref name="xTickSuffix"/>.</param>
    public static ReportFigure Render(IReadOnlyList<LineSeries> series, string title, string xLabel, string yLabel, bool yFromZero = true, string xTickSuffix = "", IReadOnlyList<double>? xTicks = null, IReadOnlyList<string>? xTickLabels = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(xTickSuffix);
        if (series.Count == 0)
        {
            throw new ArgumentException("series must hold at least one line.", nameof(series));
        }

        if (xTickLabels is not null && (xTicks is null || xTickLabels.Count != xTicks.Count))
        {
            throw new ArgumentException($"xTickLabels ({xTickLabels.Count} labels) needs xTicks with as many positions; got {(xTicks is null ? "none" : xTicks.Count.ToString(CultureInfo.InvariantCulture))}.", nameof(xTickLabels));
        }

        for (int s = 0; s < series.Count; s++)
        {
            var line = series[s];
            if (line is null || line.X.Count != line.Y.Count || (line.YLow is not null && line.YLow.Count != line.Y.Count) || (line.YHigh is not null && line.YHigh.Count != line.Y.Count)
                || (line.YLow is null) != (line.YHigh is null) || Points(line).Count == 0)
            {
                throw new ArgumentException($"series[{s}] must have as many X as Y values (and YLow/YHigh, given together, as many) and at least one finite point.", nameof(series));
            }
        }

        var plot = new Plot();
        double yMin = double.MaxValue, yMax = double.MinValue;
        for (int s = 0; s < series.Count; s++)
        {
            var points = Points(series[s]);
            var color = FigureStyle.SeriesColor(s);
            var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), color);
            scatter.LegendText = series[s].Name;
            scatter.LineWidth = 2.5f;
            scatter.MarkerSize = 8;
            yMin = Math.Min(yMin, points.Min(p => p.Low));
            yMax = Math.Max(yMax, points.Max(p => p.High));
            if (series[s].YLow is not null)
            {
                var bars = plot.Add.ErrorBar(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), points.Select(p => p.Y - p.Low).ToArray());
                bars.YErrorPositive = points.Select(p => p.High - p.Y).ToArray();
                bars.Color = color;
                bars.LineWidth = 1.5f;
            }
        }

        double pad = Math.Max((yMax - yMin) * 0.08, Math.Abs(yMax) * 0.02 + 1e-9);
        double low = yFromZero && yMin >= 0 ? 0 : yMin - pad;
        plot.Axes.SetLimitsY(low, yMax + pad);
        string TickLabel(double v) => v.ToString("0.###", CultureInfo.InvariantCulture) + xTickSuffix;
        if (xTicks is not null)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. xTicks.Select((v, i) => new Tick(v, xTickLabels?[i] ?? TickLabel(v), isMajor: true))]);

            if (xTicks.Count > 0)
            {
                // Every tick stays in view, also one with no point at it (e.g. a memory no model fits).
                double xMin = Math.Min(xTicks.Min(), series.Min(l => Points(l).Min(p => p.X))), xMax = Math.Max(xTicks.Max(), series.Max(l => Points(l).Max(p => p.X)));
                double xPad = xMax > xMin ? (xMax - xMin) * 0.05 : 0.5;
                plot.Axes.SetLimitsX(xMin - xPad, xMax + xPad);
            }
        }
        else if (xTickSuffix.Length > 0)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = TickLabel };
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right);
        return ReportFigure.FromPlot(plot, Width, Height);
    }

    /// <summary>The finite points of a series with their ranges (the point itself where no range is given).</summary>
    internal static List<(double X, double Y, double Low, double High)> Points(LineSeries s)
    {
        var points = new List<(double X, double Y, double Low, double High)>();
        for (int i = 0; i < s.X.Count; i++)
        {
            double low = s.YLow?[i] ?? s.Y[i], high = s.YHigh?[i] ?? s.Y[i];
            if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]) && double.IsFinite(low) && double.IsFinite(high))
            {
                points.Add((s.X[i], s.Y[i], Math.Min(low, s.Y[i]), Math.Max(high, s.Y[i])));
            }
        }

        return points;
    }
}
