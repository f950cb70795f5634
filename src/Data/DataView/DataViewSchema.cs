using System.Collections;

namespace ClassyNet.MLNet.Data;

/// <summary>
/// The columns of a data view, in order. Several columns may share a name: the last one wins a lookup by name and the
/// earlier ones are hidden (still present, reachable by index), which is how a transform replaces a column.
/// </summary>
public sealed partial class DataViewSchema : IReadOnlyList<DataViewSchema.Column>
{
    private readonly Column[] columns;
    private readonly Dictionary<string, int> byName;

    internal DataViewSchema(IEnumerable<DetachedColumn> detached)
    {
        var list = detached.ToArray();
        byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < list.Length; i++)
        {
            byName[list[i].Name] = i;
        }

        columns = new Column[list.Length];
        for (int i = 0; i < list.Length; i++)
        {
            columns[i] = new Column(list[i].Name, i, byName[list[i].Name] != i, list[i].Type, list[i].Annotations);
        }
    }

    /// <summary>An empty schema.</summary>
    public static DataViewSchema Empty { get; } = new([]);

    /// <summary>Number of columns, hidden ones included.</summary>
    public int Count => columns.Length;

    /// <summary>The column at <paramref name="columnIndex"/>.</summary>
    public Column this[int columnIndex] =>
        (uint)columnIndex < (uint)columns.Length ? columns[columnIndex] : throw new ArgumentOutOfRangeException(nameof(columnIndex), columnIndex, $"The schema has {columns.Length} columns.");

    /// <summary>The visible column named <paramref name="name"/>; throws naming it and listing the columns when there is none.</summary>
    public Column this[string name] => GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(name), $"Column '{name}' not found in the schema; its columns are {Describe()}.");

    /// <summary>The visible column named <paramref name="name"/>, or null.</summary>
    public Column? GetColumnOrNull(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return byName.TryGetValue(name, out int i) ? columns[i] : null;
    }

    /// <summary>The columns as "Name: Type" pairs, hidden ones marked, for messages.</summary>
    public string Describe() => columns.Length == 0 ? "(none)" : string.Join(", ", columns.Select(c => $"'{c.Name}' ({c.Type}){(c.IsHidden ? " hidden" : string.Empty)}"));

    /// <inheritdoc/>
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)columns).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => Describe();

    /// <summary>Builds a schema with the given annotations-free columns (convenience for tests and loaders).</summary>
    internal static DataViewSchema Create(params (string Name, DataViewType Type)[] columns) =>
        new(columns.Select(c => new DetachedColumn(c.Name, c.Type)));
}
