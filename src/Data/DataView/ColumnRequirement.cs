namespace ClassyNet.MLNet.Data;

/// <summary>
/// What a transform needs of one input column (name, scalar or vector, item type, vector size), checked against a
/// <see cref="DataViewSchema"/> when binding a transformer or a <see cref="SchemaShape"/> in
/// <c>GetOutputSchema</c>. A missing column or a column of another type throws <see cref="ArgumentOutOfRangeException"/>
/// whose message names the column, what was found and what was expected (as ML.NET's schema mismatch does).
/// </summary>
public sealed class ColumnRequirement
{
    private readonly Func<DataViewType, bool> accepts;
    private readonly Func<SchemaShape.Column, bool> acceptsShape;

    private ColumnRequirement(string columnName, string expected, Func<DataViewType, bool> accepts, Func<SchemaShape.Column, bool> acceptsShape)
    {
        ArgumentException.ThrowIfNullOrEmpty(columnName);
        ColumnName = columnName;
        Expected = expected;
        this.accepts = accepts;
        this.acceptsShape = acceptsShape;
    }

    /// <summary>The column's name.</summary>
    public string ColumnName { get; }

    /// <summary>What the column must be, in words (for example "Vector&lt;Single, 1, 28, 28&gt;").</summary>
    public string Expected { get; }

    /// <summary>A scalar of exactly <paramref name="type"/> (a <see cref="KeyDataViewType"/> accepts any key count).</summary>
    public static ColumnRequirement Scalar(string columnName, PrimitiveDataViewType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type is KeyDataViewType
            ? Key(columnName)
            : new(columnName, type.ToString()!, t => t.Equals(type), s => s.Kind == SchemaShape.VectorKind.Scalar && !s.IsKey && s.ItemType.Equals(type));
    }

    /// <summary>A scalar key column of any count.</summary>
    public static ColumnRequirement Key(string columnName) =>
        new(columnName, "Key<UInt32>", t => t is KeyDataViewType, s => s.Kind == SchemaShape.VectorKind.Scalar && s.IsKey);

    /// <summary>
    /// A vector of <paramref name="itemType"/>: of exactly <paramref name="size"/> values when it is positive, of any
    /// known size when it is 0 and <paramref name="requireKnownSize"/> is set, else of any size.
    /// </summary>
    public static ColumnRequirement Vector(string columnName, PrimitiveDataViewType itemType, int size = 0, bool requireKnownSize = false)
    {
        ArgumentNullException.ThrowIfNull(itemType);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        string expected = size > 0 ? $"Vector<{itemType}, {size}>" : requireKnownSize ? $"Vector<{itemType}> of known size" : $"Vector<{itemType}>";
        return new(
            columnName,
            expected,
            t => t is VectorDataViewType v && v.ItemType.Equals(itemType) && (size > 0 ? v.Size == size : !requireKnownSize || v.IsKnownSize),
            s => !s.IsKey && s.ItemType.Equals(itemType) && (s.Kind == SchemaShape.VectorKind.Vector || (s.Kind == SchemaShape.VectorKind.VariableVector && size == 0 && !requireKnownSize)));
    }

    /// <summary>A scalar or a known-size vector of <paramref name="itemType"/> (what normalizers accept).</summary>
    public static ColumnRequirement ScalarOrVector(string columnName, PrimitiveDataViewType itemType)
    {
        ArgumentNullException.ThrowIfNull(itemType);
        return new(
            columnName,
            $"{itemType} or Vector<{itemType}> of known size",
            t => t.Equals(itemType) || (t is VectorDataViewType v && v.ItemType.Equals(itemType) && v.IsKnownSize),
            s => !s.IsKey && s.ItemType.Equals(itemType) && s.Kind != SchemaShape.VectorKind.VariableVector);
    }

    /// <summary>A requirement with its own tests; <paramref name="expected"/> describes it in messages.</summary>
    public static ColumnRequirement Custom(string columnName, string expected, Func<DataViewType, bool> accepts, Func<SchemaShape.Column, bool> acceptsShape)
    {
        ArgumentException.ThrowIfNullOrEmpty(expected);
        ArgumentNullException.ThrowIfNull(accepts);
        ArgumentNullException.ThrowIfNull(acceptsShape);
        return new(columnName, expected, accepts, acceptsShape);
    }

    /// <summary>Any type: only presence is checked.</summary>
    public static ColumnRequirement Any(string columnName) => new(columnName, "any type", _ => true, _ => true);

    /// <summary>True when a column of <paramref name="type"/> meets the requirement.</summary>
    public bool IsMetBy(DataViewType type) => accepts(type);

    /// <summary>The column of <paramref name="inputSchema"/> this requirement names; throws naming it when missing or mistyped.</summary>
    public DataViewSchema.Column Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = inputSchema.GetColumnOrNull(ColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find input column '{ColumnName}' (expected {Expected}); the input has {inputSchema.Describe()}.");
        if (!accepts(column.Type))
        {
            throw Mismatch(column.Type.ToString()!);
        }

        return column;
    }

    /// <summary>The column of <paramref name="inputSchema"/> this requirement names; throws naming it when missing or mistyped.</summary>
    public SchemaShape.Column Bind(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!inputSchema.TryFindColumn(ColumnName, out var column))
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find input column '{ColumnName}' (expected {Expected}); the input has {inputSchema.Describe()}.");
        }

        if (!acceptsShape(column))
        {
            throw Mismatch(column.DescribeType());
        }

        return column;
    }

    /// <inheritdoc/>
    public override string ToString() => $"'{ColumnName}': {Expected}";

    private ArgumentOutOfRangeException Mismatch(string found) =>
        new("inputSchema", $"Schema mismatch for input column '{ColumnName}': expected {Expected}, got {found}.");
}
