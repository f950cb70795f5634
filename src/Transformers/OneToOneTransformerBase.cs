using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Base of transformers that compute one output column from one input column, for each of several
/// (<c>outputColumnName</c>, <c>inputColumnName</c>) pairs (copy, value-to-key, normalize, ...).
/// </summary>
public abstract class OneToOneTransformerBase : RowToRowTransformerBase
{
    /// <summary>Checks and stores the column pairs; output names must be distinct.</summary>
    protected OneToOneTransformerBase(IEnumerable<(string outputColumnName, string inputColumnName)> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ColumnPairs = [.. columns];
        if (ColumnPairs.Count == 0)
        {
            throw new ArgumentException("At least one column pair is needed.", nameof(columns));
        }

        foreach (var (output, input) in ColumnPairs)
        {
            ArgumentException.ThrowIfNullOrEmpty(output, nameof(columns));
            ArgumentException.ThrowIfNullOrEmpty(input, nameof(columns));
        }

        var duplicate = ColumnPairs.GroupBy(p => p.outputColumnName).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Output column '{duplicate.Key}' is produced more than once.", nameof(columns));
        }
    }

    /// <summary>The (output, input) column name pairs, in output order.</summary>
    public IReadOnlyList<(string outputColumnName, string inputColumnName)> ColumnPairs { get; }

    /// <summary>Writes <see cref="ColumnPairs"/> as the JSON entry <c>Columns.json</c>.</summary>
    protected void SaveColumnPairs(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SaveJson("Columns.json", ColumnPairs.Select(p => new[] { p.outputColumnName, p.inputColumnName }).ToArray());
    }

    /// <summary>Reads the pairs <see cref="SaveColumnPairs"/> wrote.</summary>
    protected static (string outputColumnName, string inputColumnName)[] LoadColumnPairs(ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var pairs = ctx.LoadJson<string[][]>("Columns.json");
        if (pairs.Length == 0 || pairs.Any(p => p is not { Length: 2 } || string.IsNullOrEmpty(p[0]) || string.IsNullOrEmpty(p[1])))
        {
            throw ctx.Error($"'{ctx.Directory}Columns.json' must hold a non-empty list of [output, input] name pairs");
        }

        return [.. pairs.Select(p => (p[0], p[1]))];
    }

    /// <summary>
    /// Binds each pair's input column in <paramref name="inputSchema"/> against <paramref name="requirement"/>;
    /// throws naming the column when it is missing or of the wrong type.
    /// </summary>
    protected DataViewSchema.Column[] BindInputs(DataViewSchema inputSchema, Func<string, ColumnRequirement> requirement)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(requirement);
        return [.. ColumnPairs.Select(p => requirement(p.inputColumnName).Bind(inputSchema))];
    }
}
