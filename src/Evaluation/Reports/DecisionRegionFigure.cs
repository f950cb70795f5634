using System.Globalization;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ScottPlot;
using SkiaSharp;

namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// What Algorithm 1 does with every point of the plane, for networks with two input features (the paper's Figs. 3-5,
/// with the thresholds in force): one row per model, one panel per exit. In the panel of exit m a point is painted in
/// the colour of the class it is answered with if it leaves at m, dark grey if it passes on because exit m's argmax is
/// the bag, light grey if it passes on because exit m is not confident enough, and white if it already left at an
/// earlier exit. Drawn with ScottPlot (a heatmap per panel).
/// </summary>
public static class DecisionRegionFigure
{
    /// <summary>Colour of "passes on: the argmax is the bag".</summary>
    public const string BagColor = "#8c8c8c";

    /// <summary>Colour of "passes on: not confident enough".</summary>
    public const string UncertainColor = "#d9d9d9";

    /// <summary>Colour of "left at an earlier exit".</summary>
    public const string LeftEarlierColor = "#ffffff";

    /// <summary>Side of one panel in pixels.</summary>
    public const int PanelSize = 270;

    /// <summary>Height of the title and legend strip above the panels, in pixels.</summary>
    public const int HeaderHeight = 110;

    /// <summary>
    /// Algorithm 1 over the <paramref name="resolution"/> x <paramref name="resolution"/> cell centres of
    /// [-extent, extent]^2 (<see cref="Grid"/>'s order: row 0 at the top), with the row's thresholds and policy: the exit
    /// each point leaves at, its answer, and each exit's verdict. It is the same replay of the predictor's rule that
    /// threshold calibration uses (<see cref="ExitScoreCache.Simulate"/>), so it is what the model does at inference.
    /// </summary>
    public static EarlyExitSimulation Simulate(DecisionRegionRow row, float extent = 1f, int resolution = 80)
    {
        ArgumentNullException.ThrowIfNull(row);
        var grid = Grid(extent, resolution);
        if (row.Network.ExitCount != row.Sets.ExitCount)
        {
            throw new ArgumentException($"Row '{row.Label}': the network has {row.Network.ExitCount} exits but its class sets define {row.Sets.ExitCount}.", nameof(row));
        }

        return ExitScoreCache.Build(row.Network, row.Sets, grid).Simulate(row.Policy, row.Thresholds);
    }

    /// <summary>
    /// The cell centres of a <paramref name="resolution"/> x <paramref name="resolution"/> grid over
    /// [-extent, extent]^2 as a dataset of (x, y) samples (labels 0), row-major with row 0 at the top (largest y).
    /// </summary>
    public static TensorDataset Grid(float extent, int resolution)
    {
        if (!(extent > 0) || !float.IsFinite(extent))
        {
            throw new ArgumentOutOfRangeException(nameof(extent), extent, "extent must be a finite value > 0.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(resolution, 2);
        var grid = new float[resolution * resolution * 2];
        for (int row = 0; row < resolution; row++)
        {
            for (int col = 0; col < resolution; col++)
            {
                int i = (row * resolution) + col;
                grid[2 * i] = -extent + ((col + 0.5f) * 2 * extent / resolution);
                grid[(2 * i) + 1] = extent - ((row + 0.5f) * 2 * extent / resolution);
            }
        }

        return new TensorDataset(grid, new int[resolution * resolution], 2);
    }

    /// <summary>
    /// The panel of exit <paramref name="exit"/> as category codes per cell [row, col]: the answered class (0..K-1) where
    /// points leave, K where they pass on for the bag, K + 1 where they pass on uncertain, K + 2 where they left earlier.
    /// </summary>
    public static int[,] PanelCodes(EarlyExitSimulation simulation, int exit, int classCount, int resolution)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        if (simulation.Exits.Count != resolution * resolution)
        {
            throw new ArgumentException($"The simulation has {simulation.Exits.Count} points; a {resolution} x {resolution} grid has {resolution * resolution}.", nameof(simulation));
        }

        var codes = new int[resolution, resolution];
        for (int i = 0; i < simulation.Exits.Count; i++)
        {
            codes[i / resolution, i % resolution] = simulation.Verdict(exit, i) switch
            {
                ExitVerdict.Leaves => simulation.PredictedClasses[i],
                ExitVerdict.PassesOnBag => classCount,
                ExitVerdict.PassesOnUncertain => classCount + 1,
                _ => classCount + 2,
            };
        }

        return codes;
    }

    /// <summary>Draws the figure.</summary>
    /// <param name="rows">Models to draw (networks must take 2 features).</param>
    /// <param name="classNames">Names for the legend, in label order.</param>
    /// <param name="extent">The plane drawn is [-extent, extent]^2.</param>
    /// <param name="resolution">Grid cells per side.</param>
    /// <param name="points">Optional labelled points to overlay (x, y, class).</param>
    /// <param name="title">Figure title.</param>
    public static ReportFigure Render(
        IReadOnlyList<DecisionRegionRow> rows,
        IReadOnlyList<string> classNames,
        float extent = 1f,
        int resolution = 80,
        IReadOnlyList<(float X, float Y, int Class)>? points = null,
        string title = "Where Algorithm 1 sends each point, exit by exit")
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(title);
        if (rows.Count == 0)
        {
            throw new ArgumentException("At least one model row is needed.", nameof(rows));
        }

        int classes = classNames.Count;
        if (rows.Any(r => r.Sets.ClassCount != classes))
        {
            throw new ArgumentException($"classNames has {classes} names but a row's class sets have {rows.First(r => r.Sets.ClassCount != classes).Sets.ClassCount} classes.", nameof(classNames));
        }

        int columns = rows.Max(r => r.Network.ExitCount);
        var panels = new List<(Plot Plot, PixelRect Rect)>();
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var simulation = Simulate(row, extent, resolution);
            for (int m = 0; m < row.Network.ExitCount; m++)
            {
                var plot = new Plot();
                var heatmap = plot.Add.Heatmap(ToDoubles(PanelCodes(simulation, m, classes, resolution)));
                heatmap.Colormap = new CategoryColormap(classes);
                heatmap.ManualRange = new ScottPlot.Range(-0.5, classes + 2.5);
                heatmap.Extent = new CoordinateRect(-extent, extent, -extent, extent);
                heatmap.Smooth = false;
                if (points is not null)
                {
                    foreach (var group in points.GroupBy(p => p.Class).OrderBy(g => g.Key))
                    {
                        var dots = plot.Add.ScatterPoints(group.Select(p => (double)p.X).ToArray(), group.Select(p => (double)p.Y).ToArray(), FigureStyle.ClassColor(group.Key));
                        dots.MarkerSize = 4;
                        dots.MarkerLineColor = Colors.White;
                        dots.MarkerLineWidth = 0.6f;
                    }
                }

                plot.Axes.SetLimits(-extent, extent, -extent, extent);
                plot.Axes.Margins(0, 0);
                bool final = m == row.Network.ExitCount - 1;
                string threshold = final ? "final, answers all" : row.Thresholds[m] == 0 ? "T = 0, off" : $"T = {FormatThreshold(row.Thresholds[m])}";
                plot.Title($"{row.Label}: exit {m + 1} ({threshold})", size: 13);
                FigureStyle.ApplyFont(plot);
                panels.Add((plot, new PixelRect(new Pixel(m * PanelSize, HeaderHeight + (r * PanelSize)), new PixelSize(PanelSize, PanelSize))));
            }
        }

        int width = columns * PanelSize, height = HeaderHeight + (rows.Count * PanelSize);
        var header = new Plot();
        header.HideAxesAndGrid();
        header.Title(title, size: 16);
        header.Legend.ManualItems.AddRange(Enumerable.Range(0, classes).Select(k => new LegendItem { LabelText = $"leaves: {classNames[k]}", FillColor = FigureStyle.ClassColor(k) }));
        header.Legend.ManualItems.Add(new LegendItem { LabelText = "passes on: bag", FillColor = Color.FromHex(BagColor) });
        header.Legend.ManualItems.Add(new LegendItem { LabelText = "passes on: not confident", FillColor = Color.FromHex(UncertainColor) });
        header.Legend.ManualItems.Add(new LegendItem { LabelText = "left earlier", FillColor = Color.FromHex(LeftEarlierColor), OutlineColor = Colors.Gray, OutlineWidth = 1 });
        header.Legend.Orientation = Orientation.Horizontal;
        header.Legend.Alignment = Alignment.LowerCenter;
        header.Legend.OutlineColor = Colors.Transparent;
        header.Legend.ShadowColor = Colors.Transparent;
        header.ShowLegend();
        FigureStyle.ApplyFont(header);
        var headerRect = new PixelRect(new Pixel(0, 0), new PixelSize(width, HeaderHeight));
        var all = new List<Plot> { header };
        all.AddRange(panels.Select(p => p.Plot));
        return new ReportFigure(width, height, all, canvas =>
        {
            // A plot clears the whole canvas before drawing, so each one draws clipped to its own rectangle.
            RenderClipped(canvas, header, headerRect);
            foreach (var (plot, rect) in panels)
            {
                RenderClipped(canvas, plot, rect);
            }
        });
    }

    private static void RenderClipped(SKCanvas canvas, Plot plot, PixelRect rect)
    {
        canvas.Save();
        canvas.ClipRect(rect.ToSKRect());
        plot.Render(canvas, rect);
        canvas.Restore();
    }

    /// <summary>A threshold as the figure prints it in panel titles: 3 significant digits.</summary>
    public static string FormatThreshold(float value) => value.ToString("G3", CultureInfo.InvariantCulture);

    private static double[,] ToDoubles(int[,] codes)
    {
        var values = new double[codes.GetLength(0), codes.GetLength(1)];
        for (int r = 0; r < codes.GetLength(0); r++)
        {
            for (int c = 0; c < codes.GetLength(1); c++)
            {
                values[r, c] = codes[r, c];
            }
        }

        return values;
    }

    /// <summary>Category code to colour: classes, then bag, not confident, left earlier (see <see cref="PanelCodes"/>).</summary>
    internal sealed class CategoryColormap(int classCount) : IColormap
    {
        public string Name => "exit verdicts";

        public Color GetColor(double position)
        {
            int categories = classCount + 3;
            int code = Math.Clamp((int)Math.Floor(position * categories), 0, categories - 1);
            return code < classCount ? FigureStyle.ClassColor(code)
                : code == classCount ? Color.FromHex(BagColor)
                : code == classCount + 1 ? Color.FromHex(UncertainColor)
                : Color.FromHex(LeftEarlierColor);
        }
    }
}
