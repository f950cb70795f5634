using System.Globalization;
using System.Security;
using System.Text;

namespace ClassyNet.MLNet.Evaluation.Reports;

/// <summary>
/// Minimal SVG builder for the project's figures (no plotting package is available): rectangles, lines, circles,
/// text and groups, written with invariant culture. <see cref="Save"/> writes atomically.
/// </summary>
public sealed class SvgWriter
{
    private readonly StringBuilder _body = new();

    /// <summary>Starts a drawing of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public SvgWriter(double width, double height)
    {
        if (!(width > 0) || !(height > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"SVG size must be positive, got {width}x{height}.");
        }

        Width = width;
        Height = height;
    }

    /// <summary>Drawing width in pixels.</summary>
    public double Width { get; }

    /// <summary>Drawing height in pixels.</summary>
    public double Height { get; }

    /// <summary>Adds a filled rectangle (stroke optional).</summary>
    public SvgWriter Rect(double x, double y, double width, double height, string fill, string? stroke = null, double strokeWidth = 1)
    {
        _body.Append(Invariant($"<rect x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{width:0.##}\" height=\"{height:0.##}\" fill=\"{fill}\""));
        if (stroke is not null)
        {
            _body.Append(Invariant($" stroke=\"{stroke}\" stroke-width=\"{strokeWidth:0.##}\""));
        }

        _body.AppendLine("/>");
        return this;
    }

    /// <summary>Adds a line segment.</summary>
    public SvgWriter Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string? dash = null)
    {
        _body.Append(Invariant($"<line x1=\"{x1:0.##}\" y1=\"{y1:0.##}\" x2=\"{x2:0.##}\" y2=\"{y2:0.##}\" stroke=\"{stroke}\" stroke-width=\"{strokeWidth:0.##}\""));
        if (dash is not null)
        {
            _body.Append($" stroke-dasharray=\"{dash}\"");
        }

        _body.AppendLine("/>");
        return this;
    }

    /// <summary>Adds a polyline through <paramref name="points"/>.</summary>
    public SvgWriter Polyline(IEnumerable<(double X, double Y)> points, string stroke, double strokeWidth = 2)
    {
        var coords = string.Join(" ", points.Select(p => Invariant($"{p.X:0.##},{p.Y:0.##}")));
        _body.AppendLine(Invariant($"<polyline points=\"{coords}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{strokeWidth:0.##}\"/>"));
        return this;
    }

    /// <summary>Adds a circle.</summary>
    public SvgWriter Circle(double cx, double cy, double r, string fill, string? stroke = null)
    {
        _body.Append(Invariant($"<circle cx=\"{cx:0.##}\" cy=\"{cy:0.##}\" r=\"{r:0.##}\" fill=\"{fill}\""));
        if (stroke is not null)
        {
            _body.Append($" stroke=\"{stroke}\"");
        }

        _body.AppendLine("/>");
        return this;
    }

    /// <summary>Adds text; <paramref name="anchor"/> is start, middle or end; <paramref name="rotate"/> in degrees about (x, y).</summary>
    public SvgWriter Text(double x, double y, string text, double size = 12, string anchor = "start", string fill = "#222", bool bold = false, double rotate = 0)
    {
        _body.Append(Invariant($"<text x=\"{x:0.##}\" y=\"{y:0.##}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"{size:0.#}\" text-anchor=\"{anchor}\" fill=\"{fill}\""));
        if (bold)
        {
            _body.Append(" font-weight=\"bold\"");
        }

        if (rotate != 0)
        {
            _body.Append(Invariant($" transform=\"rotate({rotate:0.##} {x:0.##} {y:0.##})\""));
        }

        _body.Append('>').Append(SecurityElement.Escape(text)).AppendLine("</text>");
        return this;
    }

    /// <summary>The complete SVG document.</summary>
    public override string ToString() =>
        Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width:0.##}\" height=\"{Height:0.##}\" viewBox=\"0 0 {Width:0.##} {Height:0.##}\">\n")
        + Invariant($"<rect width=\"{Width:0.##}\" height=\"{Height:0.##}\" fill=\"white\"/>\n") + _body + "</svg>\n";

    /// <summary>Writes the document to <paramref name="path"/> through a temporary file, so a reader never sees half a figure.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp";
        File.WriteAllText(temp, ToString(), new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
