using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet;

/// <summary>
/// <c>ml.Data</c>: data views from objects, files and image datasets, and back to objects; splitting, shuffling and
/// filtering. Loaders stream their sources.
/// </summary>
public sealed partial class DataOperationsCatalog : CatalogBase
{
    internal DataOperationsCatalog(MLContext context)
        : base(context)
    {
    }

    /// <summary>
    /// A view over <paramref name="data"/>: one column per public field or property of <typeparamref name="TRow"/>
    /// (named by <see cref="ColumnNameAttribute"/>, shaped by <see cref="VectorTypeAttribute"/> and
    /// <see cref="KeyTypeAttribute"/>, skipped with <see cref="NoColumnAttribute"/>). The sequence is read lazily, once
    /// per cursor; a list can be shuffled and has a known row count.
    /// </summary>
    public IDataView LoadFromEnumerable<TRow>(IEnumerable<TRow> data)
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(data);
        return new EnumerableDataView<TRow>(data, null);
    }

    /// <summary>As <see cref="LoadFromEnumerable{TRow}(IEnumerable{TRow})"/>, taking column types and annotations (KeyValues, SlotNames) from <paramref name="schema"/>.</summary>
    public IDataView LoadFromEnumerable<TRow>(IEnumerable<TRow> data, DataViewSchema schema)
        where TRow : class
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(schema);
        return new EnumerableDataView<TRow>(data, schema);
    }

    /// <summary>
    /// The rows of <paramref name="data"/> as <typeparamref name="TRow"/> objects, columns matched to members by name
    /// (keys as <see cref="uint"/>, vectors as arrays or <see cref="VBuffer{T}"/>, text as <see cref="string"/>). With
    /// <paramref name="reuseRowObject"/> one object (and its arrays) is refilled for every row. A member whose column is
    /// absent throws naming it unless <paramref name="ignoreMissingColumns"/>.
    /// </summary>
    public IEnumerable<TRow> CreateEnumerable<TRow>(IDataView data, bool reuseRowObject, bool ignoreMissingColumns = false)
        where TRow : class, new()
    {
        ArgumentNullException.ThrowIfNull(data);
        return new RowEnumerable<TRow>(data, reuseRowObject, ignoreMissingColumns);
    }
}
