using System.Text;

namespace ClassyNet.Cli.Tests;

/// <summary>One in-process run of the tool: exit code and what it wrote.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs <c>classynet</c> with <paramref name="args"/> in this process.</summary>
    public static CliRun Invoke(params string[] args) => Invoke(args, CancellationToken.None, null);

    /// <summary>Runs with a cancellation token (plays Ctrl+C) and an optional hook that sees every output line as it is written.</summary>
    public static CliRun Invoke(string[] args, CancellationToken cancellation, Action<string>? onLine)
    {
        var output = new LineHookWriter(onLine);
        var error = new StringWriter();
        int code = Program.Run(args, output, error, rich: false, cancellation);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{Output}stderr:{Environment.NewLine}{Error}";

    /// <summary>A StringWriter that reports each completed line.</summary>
    private sealed class LineHookWriter(Action<string>? onLine) : StringWriter
    {
        private readonly StringBuilder _line = new();

        public override void Write(char value)
        {
            base.Write(value);
            if (value == '\n')
            {
                onLine?.Invoke(_line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }

        public override void Write(string? value)
        {
            foreach (char c in value ?? string.Empty)
            {
                Write(c);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            for (int i = index; i < index + count; i++)
            {
                Write(buffer[i]);
            }
        }

        public override void WriteLine(string? value)
        {
            Write(value);
            Write(Environment.NewLine);
        }
    }
}
