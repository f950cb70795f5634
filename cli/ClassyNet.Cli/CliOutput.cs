using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClassyNet.Cli;

/// <summary>
/// Where commands write: Spectre.Console tables and progress bars on an interactive terminal, plain aligned text when
/// stdout is redirected (or in tests), so logs and pipes stay readable.
/// </summary>
internal sealed class CliOutput
{
    private readonly IAnsiConsole? _console;

    public CliOutput(TextWriter output, TextWriter error, bool rich)
    {
        Out = output;
        Error = error;
        if (rich)
        {
            _console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.Detect,
                ColorSystem = ColorSystemSupport.Detect,
                Interactive = InteractionSupport.Detect,
            });
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool IsRich => _console is not null;

    public void Line(string text = "")
    {
        if (_console is not null)
        {
            _console.WriteLine(text);
        }
        else
        {
            Out.WriteLine(text);
        }
    }

    public void Heading(string text)
    {
        if (_console is not null)
        {
            _console.Write(new Rule($"[bold]{Markup.Escape(text)}[/]").LeftJustified());
        }
        else
        {
            Out.WriteLine();
            Out.WriteLine("== " + text + " ==");
        }
    }

    public void Warn(string text) => Error.WriteLine("warning: " + text);

    /// <summary>A table: headers and rows of cells; the first column is left-aligned, the others right-aligned.</summary>
    public void Table(string? title, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var data = rows.ToList();
        if (_console is not null)
        {
            var table = new Table().Border(TableBorder.Rounded);
            if (title is not null)
            {
                table.Title(Markup.Escape(title));
            }

            for (int c = 0; c < headers.Count; c++)
            {
                var column = new TableColumn(Markup.Escape(headers[c]));
                table.AddColumn(c == 0 ? column.LeftAligned() : column.RightAligned());
            }

            foreach (var row in data)
            {
                table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
            }

            _console.Write(table);
            return;
        }

        if (title is not null)
        {
            Out.WriteLine(title);
        }

        Out.Write(PlainTable(headers, data));
    }

    /// <summary>Plain text table with aligned columns.</summary>
    public static string PlainTable(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = headers.Select((h, c) => Math.Max(h.Length, rows.Select(r => c < r.Count ? r[c].Length : 0).DefaultIfEmpty(0).Max())).ToArray();
        var sb = new StringBuilder();
        void Row(IReadOnlyList<string> cells)
        {
            for (int c = 0; c < widths.Length; c++)
            {
                string cell = c < cells.Count ? cells[c] : string.Empty;
                sb.Append(c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
                sb.Append(c == widths.Length - 1 ? string.Empty : "  ");
            }

            sb.AppendLine();
        }

        Row(headers);
        sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var r in rows)
        {
            Row(r);
        }

        return sb.ToString();
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress reporter: a live bar on a terminal, a line per 25% otherwise.
    /// </summary>
    public T WithProgress<T>(string description, Func<IProgressSink, T> work)
    {
        if (_console is null)
        {
            return work(new PlainSink(Out));
        }

        T result = default!;
        _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                result = work(new SpectreSink(_console, ctx, description));
            });
        return result;
    }

    internal static string Percent(double fraction) => double.IsNaN(fraction) ? "-" : (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    /// <summary>Thresholds as shown to people: three significant digits ("0.693,1.09"); files keep the exact values.</summary>
    internal static string Thresholds(IEnumerable<float> values) => string.Join(",", values.Select(v => v.ToString("G3", CultureInfo.InvariantCulture)));

    internal static string Number(double value, string format = "F2") => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A multiply-add count with a unit that keeps 3-4 significant digits: "31.21 M", "5.94 k", "592".</summary>
    internal static string Macs(double value)
    {
        if (!double.IsFinite(value))
        {
            return "-";
        }

        var (scale, unit) = MacUnit(Math.Abs(value));
        return (value / scale).ToString(scale == 1 ? "F0" : "F2", CultureInfo.InvariantCulture) + unit;
    }

    /// <summary>The divisor and suffix ("", " k", " M", " G") for multiply-add counts of the size of <paramref name="typical"/>.</summary>
    internal static (double Scale, string Unit) MacUnit(double typical) => typical switch
    {
        >= 1e9 => (1e9, " G"),
        >= 1e6 => (1e6, " M"),
        >= 1e3 => (1e3, " k"),
        _ => (1, string.Empty),
    };

    /// <summary>"9 Ankle boot", or just "3" when the class name is its index (CSV data with numeric labels).</summary>
    internal static string ClassLabel(int index, IReadOnlyList<string> names)
    {
        string number = index.ToString(CultureInfo.InvariantCulture);
        return index >= names.Count || names[index] == number ? number : $"{number} {names[index]}";
    }

    /// <summary>Receives progress: a task label, work done and total, and a status note.</summary>
    internal interface IProgressSink
    {
        void Report(string task, double done, double total, string note);

        void Message(string text);
    }

    private sealed class PlainSink(TextWriter output) : IProgressSink
    {
        private string? _task;
        private int _quarter = -1;

        public void Report(string task, double done, double total, string note)
        {
            int quarter = total <= 0 ? 4 : (int)Math.Floor(4 * done / total);
            if (task != _task)
            {
                _task = task;
                _quarter = -1;
            }

            if (quarter > _quarter && quarter > 0)
            {
                _quarter = quarter;
                output.WriteLine($"{task}: {Math.Min(quarter * 25, 100)}% {note}".TrimEnd());
            }
        }

        public void Message(string text) => output.WriteLine(text);
    }

    private sealed class SpectreSink(IAnsiConsole console, ProgressContext context, string description) : IProgressSink
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];

        public void Report(string task, double done, double total, string note)
        {
            if (!_tasks.TryGetValue(task, out var t))
            {
                foreach (var old in _tasks.Values)
                {
                    old.Value = old.MaxValue;
                    old.StopTask();
                }

                t = context.AddTask(Markup.Escape($"{description} {task}"), maxValue: Math.Max(total, 1));
                _tasks[task] = t;
            }

            t.MaxValue = Math.Max(total, 1);
            t.Value = done;
            t.Description = Markup.Escape($"{description} {task} {note}".TrimEnd());
            context.Refresh();
        }

        public void Message(string text)
        {
            console.WriteLine(text);
            context.Refresh();
        }
    }
}
