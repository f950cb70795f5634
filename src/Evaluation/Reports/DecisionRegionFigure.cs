using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// Per-exit decision regions of networks with two input features (the paper's Figs. 3-5): one row per model, one
/// column per exit, each panel coloured by the class the exit predicts at every point of the plane, with the bag of
/// classes in grey.
/// </summary>
public static class DecisionRegionFigure
{
    /// <summary>Colours for classes 0, 1, 2, ... (blue, green, orange, yellow as in the paper, then more).</summary>
    public static IReadOnlyList<string> ClassColors { get; } = ["#1f77b4", "#2ca02c", "#ff7f0e", "#e6c619", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#d62728"];

    /// <summary>Colour of the bag.</summary>
    public const string BagColor = "#b0b0b0";

    /// <summary>Draws the figure.</summary>
    /// <param name="rows">Models to draw: a row label, the network and its class sets (networks must take 2 features).</param>
    /// <param name="classNames">Names for the legend, in label order.</param>
    /// <param name="extent">The plane drawn is [-extent, extent]^2.</param>
    /// <param name="resolution">Grid cells per side.</param>
    /// <param name="points">Optional labelled points to overlay (x, y, class).</param>
    /// <param name="title">Figure title.</param>
    public static SvgWriter Render(
        IReadOnlyList<(string Label, MultiExitNetwork Network, ExitClassSets Sets)> rows,
        IReadOnlyList<string> classNames,
        float extent = 1f,
        int resolution = 60,
        IReadOnlyList<(float X, float Y, int Class)>? points = null,
        string title = "Decision regions per exit (grey: bag of classes)")
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(classNames);
        if (rows.Count == 0)
        {
            throw new ArgumentException("At least one model row is needed.", nameof(rows));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(resolution, 2);
        int columns = rows.Max(r => r.Network.ExitCount);
        const double panel = 220, gap = 18, left = 130, top = 70, legendHeight = 60;
        double width = left + (columns * (panel + gap)) + 10;
        double height = top + (rows.Count * (panel + gap)) + legendHeight;
        var svg = new SvgWriter(width, height);
        svg.Text(width / 2, 28, title, 18, "middle", bold: true);
        for (int c = 0; c < columns; c++)
        {
            svg.Text(left + (c * (panel + gap)) + (panel / 2), top - 12, $"Exit {c + 1}", 14, "middle", bold: true);
        }

        var grid = GridPoints(extent, resolution);
        for (int r = 0; r < rows.Count; r++)
        {
            var (label, network, sets) = rows[r];
            if (network.ExitCount != sets.ExitCount)
            {
                throw new ArgumentException($"Row '{label}': the network has {network.ExitCount} exits but its class sets define {sets.ExitCount}.", nameof(rows));
            }

            double y0 = top + (r * (panel + gap));
            svg.Text(left - 40, y0 + (panel / 2), label, 14, "end", bold: true);
            var classes = PredictGrid(network, sets, grid);
            for (int c = 0; c < network.ExitCount; c++)
            {
                double x0 = left + (c * (panel + gap));
                DrawPanel(svg, classes[c], resolution, x0, y0, panel);
                if (points is not null)
                {
                    foreach (var (px, py, cls) in points)
                    {
                        svg.Circle(x0 + ((px + extent) / (2 * extent) * panel), y0 + ((extent - py) / (2 * extent) * panel), 1.8, Color(cls), "white");
                    }
                }

                svg.Rect(x0, y0, panel, panel, "none", "#333", 1);
                foreach (float t in new[] { -extent, 0f, extent })
                {
                    double tx = x0 + ((t + extent) / (2 * extent) * panel);
                    double ty = y0 + ((extent - t) / (2 * extent) * panel);
                    svg.Line(tx, y0 + panel, tx, y0 + panel + 4, "#333");
                    svg.Line(x0 - 4, ty, x0, ty, "#333");
                    if (r == rows.Count - 1)
                    {
                        svg.Text(tx, y0 + panel + 15, t.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture), 10, "middle");
                    }

                    if (c == 0)
                    {
                        svg.Text(x0 - 6, ty + 3, t.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture), 10, "end");
                    }
                }
            }
        }

        double ly = height - legendHeight + 30;
        double lx = left;
        for (int k = 0; k <= classNames.Count; k++)
        {
            bool bag = k == classNames.Count;
            svg.Rect(lx, ly - 11, 14, 14, bag ? BagColor : Color(k), "#333", 0.5);
            string name = bag ? "bag of classes" : $"{k}: {classNames[k]}";
            svg.Text(lx + 20, ly, name, 12);
            lx += 30 + (7.5 * name.Length);
        }

        return svg;
    }

    private static string Color(int cls) => cls < 0 ? BagColor : ClassColors[cls % ClassColors.Count];

    private static float[] GridPoints(float extent, int resolution)
    {
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

        return grid;
    }

    /// <summary>Original class (or -1 for the bag) predicted by every exit at every grid point.</summary>
    private static int[][] PredictGrid(MultiExitNetwork network, ExitClassSets sets, float[] grid)
    {
        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var inference = inference_mode();
            using var scope = NewDisposeScope();
            var logits = network.forward(HostTensors.Floats(grid, [grid.Length / 2, 2], network.Device));
            var result = new int[network.ExitCount][];
            for (int m = 0; m < network.ExitCount; m++)
            {
                result[m] = HostTensors.ToInts(logits[m].argmax(1)).Select(o => sets.ToOriginalClass(m, o)).ToArray();
            }

            return result;
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    private static void DrawPanel(SvgWriter svg, int[] classes, int resolution, double x0, double y0, double size)
    {
        double cell = size / resolution;
        for (int row = 0; row < resolution; row++)
        {
            int start = 0;
            for (int col = 1; col <= resolution; col++)
            {
                if (col == resolution || classes[(row * resolution) + col] != classes[(row * resolution) + start])
                {
                    // One rectangle per run of equal cells keeps the file small; a hair of overlap hides seams.
                    svg.Rect(x0 + (start * cell), y0 + (row * cell), ((col - start) * cell) + 0.6, cell + 0.6, Color(classes[(row * resolution) + start]));
                    start = col;
                }
            }
        }
    }
}
