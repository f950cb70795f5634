using System.Collections;

namespace ClassyNet.MLNet.Data;

/// <summary>
/// What an estimator knows about a schema before seeing data: per column its name, whether it is a scalar or a
/// (fixed- or variable-size) vector, its item type, whether it is a key, and which annotations it carries.
/// <see cref="Estimators.IEstimator{TTransformer}.GetOutputSchema"/> maps one shape to another.
/// </summary>
public sealed class SchemaShape : IReadOnlyList<SchemaShape.Column>
{
    private readonly Column[] columns;

    /// <summary>Creates a shape from columns; a later column of the same name replaces an earlier one.</summary>
    public SchemaShape(IEnumerable<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var list = new List<Column>();
        foreach (var column in columns)
        {
            int existing = list.FindIndex(c => c.Name == column.Name);
            if (existing >= 0)
            {
                list.RemoveAt(existing);
            }

            list.Add(column);
        }

        this.columns = [.. list];
    }

    /// <summary>How a column holds its values.</summary>
    public enum VectorKind
    {
        /// <summary>One value per row.</summary>
        Scalar,

        /// <summary>A vector of a size known from the schema.</summary>
        Vector,

        /// <summary>A vector whose size is known only per row.</summary>
        VariableVector,
    }

    /// <inheritdoc/>
    public int Count => columns.Length;

    /// <inheritdoc/>
    public Column this[int index] => columns[index];

    /// <summary>The shape of the visible columns of <paramref name="schema"/>.</summary>
    public static SchemaShape Create(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return new SchemaShape(schema.Where(c => !c.IsHidden).Select(Column.From));
    }

    /// <summary>Finds the column named <paramref name="name"/>.</summary>
    public bool TryFindColumn(string name, out Column column)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var c in columns)
        {
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        }

        column = default;
        return false;
    }

    /// <summary>The column named <paramref name="name"/>, or null.</summary>
    public Column? GetColumnOrNull(string name) => TryFindColumn(name, out var c) ? c : null;

    /// <summary>The columns as "Name: Kind ItemType" for messages.</summary>
    public string Describe() => columns.Length == 0 ? "(none)" : string.Join(", ", columns.Select(c => $"'{c.Name}' ({c.DescribeType()})"));

    /// <inheritdoc/>
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)columns).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => Describe();

    /// <summary>One column of a <see cref="SchemaShape"/>.</summary>
    public readonly struct Column : IEquatable<Column>
    {
        /// <summary>Creates the column; <paramref name="itemType"/> is the scalar type or the vector's item type (for a key, UInt32 with <paramref name="isKey"/> set).</summary>
        public Column(string name, VectorKind kind, DataViewType itemType, bool isKey, SchemaShape? annotations = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(itemType);
            if (itemType is VectorDataViewType)
            {
                throw new ArgumentException($"Column '{name}': the item type must not be a vector; use the kind to say it is one.", nameof(itemType));
            }

            if (isKey ? itemType.RawType != typeof(uint) : itemType is KeyDataViewType)
            {
                throw new ArgumentException($"Column '{name}': isKey is {isKey} but the item type is {itemType}; a key's item type is UInt32 (as in ML.NET).", nameof(isKey));
            }

            if (itemType is KeyDataViewType)
            {
                itemType = NumberDataViewType.UInt32;
            }

            Name = name;
            Kind = kind;
            ItemType = itemType;
            IsKey = isKey;
            Annotations = annotations ?? new SchemaShape([]);
        }

        /// <summary>The name.</summary>
        public string Name { get; }

        /// <summary>Scalar, vector or variable vector.</summary>
        public VectorKind Kind { get; }

        /// <summary>The scalar type, or the item type of a vector (UInt32 for keys).</summary>
        public DataViewType ItemType { get; }

        /// <summary>True for a key column (or a vector of keys).</summary>
        public bool IsKey { get; }

        /// <summary>The annotations' shape (KeyValues, SlotNames, ...).</summary>
        public SchemaShape Annotations { get; }

        /// <summary>True when the column has a KeyValues annotation.</summary>
        public bool HasKeyValues => Annotations.TryFindColumn(AnnotationKinds.KeyValues, out _);

        /// <summary>True when the column has a SlotNames annotation.</summary>
        public bool HasSlotNames => Annotations.TryFindColumn(AnnotationKinds.SlotNames, out _);

        /// <summary>The shape of a schema column.</summary>
        public static Column From(DataViewSchema.Column column)
        {
            var (kind, item) = column.Type is VectorDataViewType v
                ? (v.IsKnownSize ? VectorKind.Vector : VectorKind.VariableVector, (DataViewType)v.ItemType)
                : (VectorKind.Scalar, column.Type);
            var annotations = new SchemaShape(column.Annotations.Schema.Where(a => !a.IsHidden).Select(From));
            return new Column(column.Name, kind, item, item is KeyDataViewType, annotations);
        }

        /// <summary>
        /// True when a column of shape <paramref name="source"/> fits where this one is expected: same kind and item type
        /// (keys of any count are alike) and at least this column's annotations.
        /// </summary>
        public bool IsCompatibleWith(Column source)
        {
            if (Name != source.Name || Kind != source.Kind || IsKey != source.IsKey)
            {
                return false;
            }

            if (!ItemType.Equals(source.ItemType))
            {
                return false;
            }

            foreach (var annotation in Annotations)
            {
                if (!source.Annotations.TryFindColumn(annotation.Name, out var other) || !annotation.IsCompatibleWith(other))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>"Vector&lt;Single&gt;", "Key&lt;UInt32&gt;" and so on, for messages.</summary>
        public string DescribeType()
        {
            string item = IsKey ? "Key<UInt32>" : ItemType.ToString() ?? string.Empty;
            return Kind switch
            {
                VectorKind.Vector => $"Vector<{item}>",
                VectorKind.VariableVector => $"VarVector<{item}>",
                _ => item,
            };
        }

        /// <inheritdoc/>
        public bool Equals(Column other) =>
            Name == other.Name && Kind == other.Kind && IsKey == other.IsKey && ItemType.Equals(other.ItemType)
            && Annotations.Count == other.Annotations.Count && Annotations.All(a => other.Annotations.TryFindColumn(a.Name, out var o) && a.Equals(o));

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Column other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(Name, Kind, IsKey);

        /// <inheritdoc/>
        public override string ToString() => $"{Name}: {DescribeType()}";
    }
}
