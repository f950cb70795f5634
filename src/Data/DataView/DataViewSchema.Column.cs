namespace ClassyNet.MLNet.Data;

/// <content>The column type.</content>
public sealed partial class DataViewSchema
{
    /// <summary>One column of a schema: its name, position, type and annotations.</summary>
    public readonly struct Column : IEquatable<Column>
    {
        internal Column(string name, int index, bool isHidden, DataViewType type, Annotations annotations)
        {
            Name = name;
            Index = index;
            IsHidden = isHidden;
            Type = type;
            Annotations = annotations;
        }

        /// <summary>The name.</summary>
        public string Name { get; }

        /// <summary>The position in the schema.</summary>
        public int Index { get; }

        /// <summary>True when a later column has the same name.</summary>
        public bool IsHidden { get; }

        /// <summary>The type.</summary>
        public DataViewType Type { get; }

        /// <summary>Annotations (KeyValues, SlotNames, ...); never null for a column of a schema.</summary>
        public Annotations Annotations { get; }

        /// <inheritdoc/>
        public bool Equals(Column other) => Name == other.Name && Index == other.Index && IsHidden == other.IsHidden && Equals(Type, other.Type);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Column other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(Name, Index, Type);

        /// <inheritdoc/>
        public override string ToString() => $"{Name} ({Index}): {Type}";

        /// <summary>True when the column carries KeyValues annotations (the value of each key).</summary>
        public bool HasKeyValues() => Annotations.Schema.GetColumnOrNull(AnnotationKinds.KeyValues) is { } c && c.Type is VectorDataViewType;

        /// <summary>Reads the KeyValues annotation: entry k - 1 is the value of key k.</summary>
        public void GetKeyValues<TValue>(ref VBuffer<TValue> keyValues) => Annotations.GetValue(AnnotationKinds.KeyValues, ref keyValues);

        /// <summary>True when the column carries SlotNames annotations (a name per vector slot).</summary>
        public bool HasSlotNames() => Annotations.Schema.GetColumnOrNull(AnnotationKinds.SlotNames) is { } c && c.Type is VectorDataViewType { ItemType: TextDataViewType };

        /// <summary>Reads the SlotNames annotation.</summary>
        public void GetSlotNames(ref VBuffer<ReadOnlyMemory<char>> slotNames) => Annotations.GetValue(AnnotationKinds.SlotNames, ref slotNames);
    }
}
