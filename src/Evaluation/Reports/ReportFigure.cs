using ClassyNet.MLNet.Data;
using ScottPlot;
using SkiaSharp;

namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// A figure drawn with ScottPlot at a fixed size in pixels, written as PNG (for README files and reports) or SVG (text
/// stays text). <see cref="Save"/> picks the format from the file extension and writes atomically.
/// </summary>
public sealed class ReportFigure : IDisposable
{
    private readonly Action<SKCanvas> _render;
    private readonly Plot[] _plots;

    internal ReportFigure(int width, int height, IReadOnlyList<Plot> plots, Action<SKCanvas> render)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        _plots = [.. plots];
        _render = render;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The ScottPlot plots drawn (one, or one per panel), for checks and restyling before saving.</summary>
    internal IReadOnlyList<Plot> Plots => _plots;

    /// <summary>A single ScottPlot plot as a figure.</summary>
    internal static ReportFigure FromPlot(Plot plot, int width, int height)
    {
        FigureStyle.ApplyFont(plot);
        return new ReportFigure(width, height, [plot], canvas => plot.Render(canvas, width, height));
    }

    /// <summary>The figure as a PNG image.</summary>
    public byte[] ToPng()
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height)) ?? throw new InvalidOperationException($"Could not create a {Width}x{Height} drawing surface.");
        surface.Canvas.Clear(SKColors.White);
        _render(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The figure as an SVG document.</summary>
    public string ToSvg()
    {
        using var stream = new MemoryStream();
        using (var managed = new SKManagedWStream(stream))
        {
            using var canvas = SKSvgCanvas.Create(SKRect.Create(Width, Height), managed);
            canvas.Clear(SKColors.White);
            _render(canvas);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Writes the figure to <paramref name="path"/>: PNG for <c>.png</c>, SVG for <c>.svg</c>. The file is written to a
    /// temporary file and renamed, so a reader never sees half a figure; the folder is created when missing.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
        {
            throw new ArgumentException($"'{path}' must end in .png or .svg (the figure's format is taken from the extension).", nameof(path));
        }

        byte[] bytes = extension == ".png" ? ToPng() : System.Text.Encoding.UTF8.GetBytes(ToSvg());
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        AtomicFile.Write(path, stream => stream.Write(bytes), nameof(path));
    }

    /// <summary>Releases the plots' drawing resources.</summary>
    public void Dispose()
    {
        foreach (var plot in _plots)
        {
            plot.Dispose();
        }
    }
}
