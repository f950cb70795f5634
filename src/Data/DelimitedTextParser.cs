using System.Text;

namespace ClassyNet.MLNet.Data;

/// <summary>
/// Splits delimited text (TSV, CSV, ...) into records line by line, the core of ML.NET's <c>LoadFromTextFile</c>.
/// Defaults are ML.NET's: tab separator, no quoting, no trimming. Empty lines are skipped (and, when trimming,
/// lines of only whitespace). With quoting (RFC 4180), a field that starts with a double quote runs to the next
/// unpaired quote, may contain the separator, and writes a quote as two quotes (""); it must be followed by the
/// separator or the end of the line. A quote anywhere else in a field is an ordinary character. As in ML.NET, a quoted
/// field cannot span lines: a line break inside quotes is reported as an unterminated quote.
/// </summary>
public sealed class DelimitedTextParser
{
    /// <summary>Creates a parser.</summary>
    /// <param name="separator">The field separator; not a line break, nor a double quote when quoting is allowed.</param>
    /// <param name="allowQuoting">Whether fields may be enclosed in double quotes.</param>
    /// <param name="trimWhitespace">Whether to remove whitespace around each field (outside the quotes of a quoted field), which also drops trailing whitespace at the end of a line.</param>
    public DelimitedTextParser(char separator = '\t', bool allowQuoting = false, bool trimWhitespace = false)
    {
        if (separator is '\r' or '\n' || (allowQuoting && separator == '"'))
        {
            throw new ArgumentException($"separator {Describe(separator)} cannot be used: it must not be a line break, nor a double quote when quoting is allowed.", nameof(separator));
        }

        Separator = separator;
        AllowQuoting = allowQuoting;
        TrimWhitespace = trimWhitespace;
    }

    /// <summary>The field separator.</summary>
    public char Separator { get; }

    /// <summary>Whether fields may be enclosed in double quotes.</summary>
    public bool AllowQuoting { get; }

    /// <summary>Whether whitespace around fields is removed.</summary>
    public bool TrimWhitespace { get; }

    /// <summary>
    /// Reads <paramref name="reader"/> one line at a time (nothing is buffered beyond the current line) and yields a
    /// record per non-empty line; <paramref name="source"/> names the input in errors. Arguments are checked at once;
    /// a malformed line throws <see cref="InvalidDataException"/> when the enumeration reaches it.
    /// </summary>
    public IEnumerable<TextRecord> Parse(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        return ParseLines(reader, source);
    }

    /// <summary>
    /// Splits one line (without its line break) into fields; returns null for a line that <see cref="Parse"/> skips
    /// (empty, or only whitespace when trimming).
    /// </summary>
    public TextRecord? ParseLine(string line, int lineNumber, string source)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(lineNumber, 1);
        return Split(line, lineNumber, source, [], new StringBuilder());
    }

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming <paramref name="source"/>, the line and both counts when
    /// <paramref name="record"/> does not have exactly <paramref name="expected"/> fields.
    /// </summary>
    public void CheckFieldCount(TextRecord record, int expected, string source)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(expected, 1);
        if (record.Fields.Length != expected)
        {
            string hint = record.Fields.Length == 1 ? $" (the line contains no {Describe(Separator)} separator: is the file delimited by another character?)" : string.Empty;
            throw new InvalidDataException($"'{source}' line {record.LineNumber} has {record.Fields.Length} field{(record.Fields.Length == 1 ? string.Empty : "s")}, expected {expected}{hint}.");
        }
    }

    private IEnumerable<TextRecord> ParseLines(TextReader reader, string source)
    {
        var fields = new List<string>();
        var quoted = new StringBuilder();
        int lineNumber = 0;
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            lineNumber = checked(lineNumber + 1);
            var record = Split(line, lineNumber, source, fields, quoted);
            if (record is not null)
            {
                yield return record;
            }
        }
    }

    private TextRecord? Split(string line, int lineNumber, string source, List<string> fields, StringBuilder quoted)
    {
        if (line.Length == 0 || (TrimWhitespace && string.IsNullOrWhiteSpace(line)))
        {
            return null;
        }

        fields.Clear();
        int i = 0;
        while (true)
        {
            int start = TrimWhitespace ? SkipWhitespace(line, i) : i;
            if (AllowQuoting && start < line.Length && line[start] == '"')
            {
                quoted.Clear();
                int k = start + 1;
                while (true)
                {
                    if (k >= line.Length)
                    {
                        throw Error(source, lineNumber, start + 1, "the quoted field starting here has no closing quote before the end of the line (quoted fields cannot span lines; write a quote inside quotes as \"\")");
                    }

                    if (line[k] == '"')
                    {
                        if (k + 1 < line.Length && line[k + 1] == '"')
                        {
                            quoted.Append('"');
                            k += 2;
                            continue;
                        }

                        k++;
                        break;
                    }

                    quoted.Append(line[k++]);
                }

                if (TrimWhitespace)
                {
                    k = SkipWhitespace(line, k);
                }

                if (k < line.Length && line[k] != Separator)
                {
                    throw Error(source, lineNumber, k + 1, $"{Describe(line[k])} follows the closing quote of the field that starts at column {start + 1}; expected the {Describe(Separator)} separator or the end of the line (write a quote inside quotes as \"\")");
                }

                fields.Add(quoted.ToString());
                if (k >= line.Length)
                {
                    break;
                }

                i = k + 1;
                continue;
            }

            int end = line.IndexOf(Separator, i);
            if (end < 0)
            {
                end = line.Length;
            }

            fields.Add(TrimWhitespace ? line[i..end].Trim() : line[i..end]);
            if (end >= line.Length)
            {
                break;
            }

            i = end + 1;
        }

        return new TextRecord(lineNumber, [.. fields]);
    }

    /// <summary>Skips whitespace other than the separator (which may itself be a tab or a space).</summary>
    private int SkipWhitespace(string line, int i)
    {
        while (i < line.Length && line[i] != Separator && char.IsWhiteSpace(line[i]))
        {
            i++;
        }

        return i;
    }

    private static InvalidDataException Error(string source, int line, int column, string reason) =>
        new($"'{source}' line {line}, column {column}: {reason}.");

    private static string Describe(char c) => c switch
    {
        '\t' => "tab ('\\t')",
        ' ' => "space (' ')",
        '\r' => "'\\r'",
        '\n' => "'\\n'",
        _ when char.IsControl(c) => $"U+{(int)c:X4}",
        _ => $"'{c}'",
    };
}
