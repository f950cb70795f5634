using ScottPlot;

namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// The paper's Fig. 6: for each exit, one stacked bar per model showing how many samples of each class leave there
/// (drawn with ScottPlot; 900 x 560 pixels).
/// </summary>
public static class ExitDistributionFigure
{
    /// <summary>Width of the figure in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of the figure in pixels.</summary>
    public const int Height = 560;

    /// <summary>Draws the figure.</summary>
    /// <param name="models">Model names and their counts[class, exit] of samples leaving at each exit (all of one shape).</param>
    /// <param name="classNames">Class names in label order (legend).</param>
    /// <param name="title">Figure title.</param>
    public static ReportFigure Render(IReadOnlyList<(string Name, int[,] Counts)> models, IReadOnlyList<string> classNames, string title)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(title);
        if (models.Count == 0)
        {
            throw new ArgumentException("At least one model is needed.", nameof(models));
        }

        int classes = models[0].Counts.GetLength(0), exits = models[0].Counts.GetLength(1);
        if (models.Any(m => m.Counts.GetLength(0) != classes || m.Counts.GetLength(1) != exits) || classNames.Count < classes)
        {
            throw new ArgumentException($"Every model needs counts of shape [{classes}, {exits}] and there must be {classes} class names.", nameof(models));
        }

        var plot = new Plot();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        double groupWidth = models.Count + 1;
        for (int e = 0; e < exits; e++)
        {
            for (int m = 0; m < models.Count; m++)
            {
                double position = BarPosition(e, m, models.Count);
                double bottom = 0;
                for (int k = 0; k < classes; k++)
                {
                    int count = models[m].Counts[k, e];
                    if (count > 0)
                    {
                        bars.Add(new Bar { Position = position, ValueBase = bottom, Value = bottom + count, FillColor = FigureStyle.ClassColor(k), LineColor = Colors.White, LineWidth = 0.5f, Size = 0.8 });
                        bottom += count;
                    }
                }

                ticks.Add(new Tick(position, Shorten(models[m].Name, 14), isMajor: true));
            }
        }

        plot.Add.Bars(bars);
        int max = Enumerable.Range(0, exits).Max(e => models.Max(m => Enumerable.Range(0, classes).Sum(k => m.Counts[k, e])));
        double top = Math.Max(max, 1) * 1.12;
        for (int e = 0; e < exits; e++)
        {
            double center = (e * groupWidth) + ((models.Count - 1) / 2.0);
            var label = plot.Add.Text($"exit {e + 1}", center, top * 0.985);
            label.LabelStyle.FontSize = 14;
            label.LabelStyle.Bold = true;
            label.Alignment = Alignment.UpperCenter;
            if (e > 0)
            {
                var separator = plot.Add.VerticalLine((e * groupWidth) - 1, 1, Colors.Gray.WithAlpha(0.5));
                separator.LinePattern = LinePattern.Dashed;
            }
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;

        // Room for the rotated model names (ScottPlot sizes the axis for unrotated labels).
        plot.Axes.Bottom.MinimumSize = 16 + (float)(8 * Math.Min(14, models.Max(m => m.Name.Length)) * Math.Sin(Math.PI / 4));
        plot.Axes.SetLimits(-0.75, ((exits - 1) * groupWidth) + models.Count - 0.25, 0, top);
        plot.Grid.XAxisStyle.IsVisible = false;
        plot.Title(title);
        plot.YLabel("samples leaving at the exit");
        plot.Legend.ManualItems.AddRange(Enumerable.Range(0, classes).Select(k => new LegendItem { LabelText = classNames[k], FillColor = FigureStyle.ClassColor(k) }));
        plot.ShowLegend(Edge.Right);
        return ReportFigure.FromPlot(plot, Width, Height);
    }

    /// <summary>X position of model <paramref name="model"/>'s bar in exit <paramref name="exit"/>'s group.</summary>
    internal static double BarPosition(int exit, int model, int models) => (exit * (models + 1)) + model;

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
