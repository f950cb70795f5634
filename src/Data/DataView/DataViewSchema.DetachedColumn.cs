namespace ClassyNet.MLNet.Data;

/// <content>The detached column type.</content>
public sealed partial class DataViewSchema
{
    /// <summary>A column description not (yet) placed in a schema: name, type and annotations.</summary>
    public readonly struct DetachedColumn
    {
        /// <summary>Creates the description; null annotations mean none.</summary>
        public DetachedColumn(string name, DataViewType type, Annotations? annotations = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(type);
            Name = name;
            Type = type;
            Annotations = annotations ?? Annotations.Empty;
        }

        /// <summary>Copies the name, type and annotations of a schema column.</summary>
        public DetachedColumn(Column column)
            : this(column.Name, column.Type, column.Annotations)
        {
        }

        /// <summary>The name.</summary>
        public string Name { get; }

        /// <summary>The type.</summary>
        public DataViewType Type { get; }

        /// <summary>The annotations.</summary>
        public Annotations Annotations { get; }

        /// <inheritdoc/>
        public override string ToString() => $"{Name}: {Type}";
    }
}
