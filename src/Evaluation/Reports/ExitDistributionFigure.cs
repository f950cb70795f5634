using System.Globalization;

namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// The paper's Fig. 6: for each exit, one stacked bar per model showing how many samples of each class leave there.
/// </summary>
public static class ExitDistributionFigure
{
    /// <summary>Draws the figure.</summary>
    /// <param name="models">Model names and their counts[class, exit] of samples leaving at each exit.</param>
    /// <param name="classNames">Class names in label order (legend).</param>
    /// <param name="title">Figure title.</param>
    public static SvgWriter Render(IReadOnlyList<(string Name, int[,] Counts)> models, IReadOnlyList<string> classNames, string title)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(classNames);
        if (models.Count == 0)
        {
            throw new ArgumentException("At least one model is needed.", nameof(models));
        }

        int classes = models[0].Counts.GetLength(0), exits = models[0].Counts.GetLength(1);
        if (models.Any(m => m.Counts.GetLength(0) != classes || m.Counts.GetLength(1) != exits) || classNames.Count < classes)
        {
            throw new ArgumentException($"Every model needs counts of shape [{classes}, {exits}] and there must be {classes} class names.", nameof(models));
        }

        // Drawn at 800 px wide so that it reads at that width: 11 px bar labels and ticks, 13 px exit labels.
        const double left = 70, top = 60, plotHeight = 320, barGap = 4, groupGap = 26, width = 800, labelSize = 11, labelAngle = 60;
        const int maxLabel = 14;
        var labels = models.Select(m => Shorten(m.Name, maxLabel)).ToArray();

        // Room under the axis for the rotated bar labels (about 0.6 em per character), then the exit labels, then the legend.
        double labelDrop = (labels.Max(l => l.Length) * labelSize * 0.6 * Math.Sin(labelAngle * Math.PI / 180)) + 8;
        double exitLabelY = top + plotHeight + 12 + labelDrop + 16;
        int perRow = Math.Min(classes, 5);
        int legendRows = (classes + perRow - 1) / perRow;
        double legendTop = exitLabelY + 30;
        double height = legendTop + 22 + (legendRows * 20) + 10;
        double groupWidth = (width - left - 30) / exits;
        double barWidth = Math.Min(28, ((groupWidth - groupGap) / models.Count) - barGap);
        int max = Enumerable.Range(0, exits).Max(e => models.Max(m => Enumerable.Range(0, classes).Sum(k => m.Counts[k, e])));
        double scaleMax = NiceCeiling(Math.Max(max, 1));
        var svg = new SvgWriter(width, height);
        svg.Text(width / 2, 28, title, 17, "middle", bold: true);
        double y0 = top + plotHeight;
        for (int t = 0; t <= 5; t++)
        {
            double v = scaleMax * t / 5, y = y0 - (plotHeight * t / 5);
            svg.Line(left, y, width - 20, y, "#e0e0e0");
            svg.Line(left - 4, y, left, y, "#333");
            svg.Text(left - 7, y + 4, v.ToString(scaleMax >= 5 ? "0" : "0.#", CultureInfo.InvariantCulture), 12, "end");
        }

        svg.Text(20, top + (plotHeight / 2), "samples leaving at the exit", 13, "middle", rotate: -90);
        for (int e = 0; e < exits; e++)
        {
            double gx = left + (groupGap / 2) + (e * groupWidth) + ((groupWidth - groupGap - (models.Count * (barWidth + barGap))) / 2);
            for (int m = 0; m < models.Count; m++)
            {
                double x = gx + (m * (barWidth + barGap)), y = y0;
                for (int k = 0; k < classes; k++)
                {
                    double h = plotHeight * models[m].Counts[k, e] / scaleMax;
                    if (h > 0)
                    {
                        svg.Rect(x, y - h, barWidth, h, DecisionRegionFigure.ClassColors[k % DecisionRegionFigure.ClassColors.Count], "white", 0.3);
                        y -= h;
                    }
                }

                svg.Text(x + (barWidth / 2) + 3, y0 + 10, labels[m], labelSize, "end", rotate: -labelAngle);
            }

            svg.Text(gx + ((models.Count * (barWidth + barGap)) / 2), exitLabelY, $"Exit {e + 1}", 13, "middle", bold: true);
            if (e > 0)
            {
                // A tick between exit groups.
                svg.Line(left + (e * groupWidth), y0, left + (e * groupWidth), y0 + 6, "#333");
            }
        }

        svg.Line(left, y0, width - 20, y0, "#333");
        svg.Line(left, top, left, y0, "#333");
        svg.Text(left, legendTop, "class", 12, bold: true);
        double columnWidth = (width - left - 20) / perRow;
        for (int k = 0; k < classes; k++)
        {
            double lx = left + ((k % perRow) * columnWidth), ly = legendTop + 22 + ((k / perRow) * 20);
            svg.Rect(lx, ly - 10, 12, 12, DecisionRegionFigure.ClassColors[k % DecisionRegionFigure.ClassColors.Count]);
            string number = k.ToString(CultureInfo.InvariantCulture);
            svg.Text(lx + 17, ly, Shorten(classNames[k] == number ? number : $"{number} {classNames[k]}", 20), 12);
        }

        return svg;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static double NiceCeiling(double value)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }
}
