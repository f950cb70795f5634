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

        const double left = 70, top = 60, plotHeight = 340, bottom = 140, barGap = 4, groupGap = 26, width = 900;
        double groupWidth = (width - left - 30) / exits;
        double barWidth = Math.Min(28, ((groupWidth - groupGap) / models.Count) - barGap);
        double height = top + plotHeight + bottom;
        int max = Enumerable.Range(0, exits).Max(e => models.Max(m => Enumerable.Range(0, classes).Sum(k => m.Counts[k, e])));
        double scaleMax = NiceCeiling(Math.Max(max, 1));
        var svg = new SvgWriter(width, height);
        svg.Text(width / 2, 28, title, 17, "middle", bold: true);
        double y0 = top + plotHeight;
        for (int t = 0; t <= 5; t++)
        {
            double v = scaleMax * t / 5, y = y0 - (plotHeight * t / 5);
            svg.Line(left, y, width - 20, y, "#e0e0e0");
            svg.Text(left - 6, y + 4, v.ToString("0", CultureInfo.InvariantCulture), 11, "end");
        }

        svg.Text(18, top + (plotHeight / 2), "samples leaving at the exit", 12, "middle", rotate: -90);
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

                svg.Text(x + (barWidth / 2), y0 + 12, models[m].Name, 9, "end", rotate: -60);
            }

            svg.Text(gx + ((models.Count * (barWidth + barGap)) / 2), y0 + 62, $"Exit {e + 1}", 13, "middle", bold: true);
        }

        svg.Line(left, y0, width - 20, y0, "#333");
        svg.Line(left, top, left, y0, "#333");
        int perRow = (classes + 1) / 2;
        for (int k = 0; k < classes; k++)
        {
            double lx = left + ((k % perRow) * ((width - left) / perRow)), ly = height - 40 + ((k / perRow) * 20);
            svg.Rect(lx, ly - 10, 12, 12, DecisionRegionFigure.ClassColors[k % DecisionRegionFigure.ClassColors.Count]);
            svg.Text(lx + 16, ly, $"{k} {classNames[k]}", 11);
        }

        return svg;
    }

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
