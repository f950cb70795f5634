using System.Globalization;
using ClassyNet.MLNet.Data;

namespace ClassyNet.Cli;

/// <summary>
/// The CLI's CSV dataset format: one sample per line, comma separated (tab for .tsv files), RFC 4180 quoting allowed,
/// an optional header row. One column is the label (by default the column named <c>label</c>, else the first
/// column; or <c>--label-column NAME|INDEX</c>), every other column is a numeric feature. Labels are class indices
/// 0..K-1 or class names; names are numbered in sorted order at training and stored in the model, so evaluation maps
/// them back the same way.
/// </summary>
internal static class CsvDataset
{
    public static (TensorDataset Data, IReadOnlyList<string> ClassNames) Load(string path, string? labelColumn, IReadOnlyList<string>? knownClassNames, int? limit)
    {
        if (!File.Exists(path))
        {
            throw new CliException(Directory.Exists(path)
                ? $"--data '{path}' is a folder; for --dataset csv pass the CSV file itself."
                : $"CSV file '{path}' does not exist.");
        }

        char separator = path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
        var parser = new DelimitedTextParser(separator, allowQuoting: true, trimWhitespace: true);
        using var reader = File.OpenText(path);
        var records = parser.Parse(reader, path).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new CliException($"CSV file '{path}' is empty.");
        }

        var first = records.Current;
        int columns = first.Fields.Length;
        if (columns < 2)
        {
            throw new CliException($"CSV file '{path}' line {first.LineNumber} has {columns} column; the format needs a label column and at least one feature column, separated by '{(separator == '\t' ? "\\t" : ",")}'.");
        }

        bool header = first.Fields.Any(f => !float.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) &&
            first.Fields.Count(f => float.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) == 0;
        int label = ResolveLabelColumn(labelColumn, header ? first.Fields : null, columns, path);
        var rawLabels = new List<string>();
        var features = new List<float>();
        void Add(ClassyNet.MLNet.Data.TextRecord record)
        {
            parser.CheckFieldCount(record, columns, path);
            for (int c = 0; c < columns; c++)
            {
                if (c == label)
                {
                    rawLabels.Add(record.Fields[c]);
                    continue;
                }

                if (!float.TryParse(record.Fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                {
                    throw new CliException($"CSV file '{path}' line {record.LineNumber} column {c + 1}: '{record.Fields[c]}' is not a finite number (every column but the label must be numeric).");
                }

                features.Add(v);
            }
        }

        if (!header)
        {
            Add(first);
        }

        while ((limit is null || rawLabels.Count < limit) && records.MoveNext())
        {
            Add(records.Current);
        }

        if (rawLabels.Count == 0)
        {
            throw new CliException($"CSV file '{path}' has a header but no data rows.");
        }

        var (labels, names) = MapLabels(rawLabels, knownClassNames, path);
        return (new TensorDataset(features.ToArray(), labels, columns - 1), names);
    }

    private static int ResolveLabelColumn(string? labelColumn, string[]? headerFields, int columns, string path)
    {
        if (labelColumn is null)
        {
            int named = headerFields is null ? -1 : Array.FindIndex(headerFields, f => f.Equals("label", StringComparison.OrdinalIgnoreCase));
            return named >= 0 ? named : 0;
        }

        if (int.TryParse(labelColumn, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index))
        {
            return index >= 0 && index < columns ? index : throw new CliException($"--label-column {index} is outside the {columns} columns of '{path}' (0-based).");
        }

        int found = headerFields is null ? -1 : Array.FindIndex(headerFields, f => f.Equals(labelColumn, StringComparison.OrdinalIgnoreCase));
        return found >= 0 ? found : throw new CliException($"--label-column '{labelColumn}' is not a column of '{path}'" + (headerFields is null ? " (the file has no header row; give a 0-based index)." : $"; columns: {string.Join(", ", headerFields)}."));
    }

    private static (int[] Labels, IReadOnlyList<string> Names) MapLabels(List<string> raw, IReadOnlyList<string>? known, string path)
    {
        bool numeric = raw.All(r => int.TryParse(r, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0);
        if (known is not null)
        {
            var index = known.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
            return (raw.Select((r, i) => index.TryGetValue(r, out int k) ? k
                : numeric ? int.Parse(r, CultureInfo.InvariantCulture)
                : throw new CliException($"CSV file '{path}' row {i + 1} has label '{r}', which is not one of the model's classes ({string.Join(", ", known)}).")).ToArray(), known);
        }

        if (numeric)
        {
            var labels = raw.Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();
            int k = Math.Max(2, labels.Max() + 1);
            return (labels, Enumerable.Range(0, k).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        }

        var names = raw.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (names.Length < 2)
        {
            throw new CliException($"CSV file '{path}' has a single label value '{names[0]}'; classification needs at least two classes.");
        }

        var map = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        return (raw.Select(r => map[r]).ToArray(), names);
    }
}
