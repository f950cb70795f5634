namespace ClassyNet.MLNet.Data;

/// <content>The annotations type.</content>
public sealed partial class DataViewSchema
{
    /// <summary>
    /// Values attached to a column rather than to rows (KeyValues, SlotNames, IsNormalized, ...). Each annotation is a
    /// named, typed value described by <see cref="Schema"/> and read with <see cref="GetValue{TValue}"/>.
    /// </summary>
    public sealed partial class Annotations
    {
        private readonly Delegate[] getters;

        internal Annotations(DataViewSchema schema, Delegate[] getters)
        {
            Schema = schema;
            this.getters = getters;
        }

        /// <summary>No annotations.</summary>
        public static Annotations Empty { get; } = new(new DataViewSchema([]), []);

        /// <summary>The annotations' names and types, one column each.</summary>
        public DataViewSchema Schema { get; }

        /// <summary>A getter for the annotation described by <paramref name="column"/> (a column of <see cref="Schema"/>).</summary>
        public ValueGetter<TValue> GetGetter<TValue>(Column column)
        {
            if ((uint)column.Index >= (uint)getters.Length || !ReferenceEquals(Schema[column.Index].Type, column.Type) || Schema[column.Index].Name != column.Name)
            {
                throw new ArgumentOutOfRangeException(nameof(column), $"Annotation '{column.Name}' does not belong to these annotations ({Schema.Describe()}).");
            }

            return getters[column.Index] as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Annotation '{column.Name}' has type {column.Type} (raw type {column.Type.RawType.Name}); it cannot be read as {typeof(TValue).Name}.");
        }

        /// <summary>Reads the annotation named <paramref name="kind"/>; throws naming it when it is absent or of another type.</summary>
        public void GetValue<TValue>(string kind, ref TValue value)
        {
            var column = Schema.GetColumnOrNull(kind) ?? throw new InvalidOperationException($"The column has no '{kind}' annotation; it has {(Schema.Count == 0 ? "none" : string.Join(", ", Schema.Select(c => $"'{c.Name}'")))}.");
            GetGetter<TValue>(column)(ref value);
        }

        /// <inheritdoc/>
        public override string ToString() => Schema.Describe();
    }
}
