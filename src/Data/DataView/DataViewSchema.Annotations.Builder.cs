namespace ClassyNet.MLNet.Data;

/// <content>The annotations builder.</content>
public sealed partial class DataViewSchema
{
    /// <content>The annotations builder.</content>
    public sealed partial class Annotations
    {
        /// <summary>Builds <see cref="Annotations"/>.</summary>
        public sealed class Builder
        {
            private readonly List<(DetachedColumn Column, Delegate Getter)> items = [];

            /// <summary>Adds an annotation read through <paramref name="getter"/>.</summary>
            public void Add<TValue>(string name, DataViewType type, ValueGetter<TValue> getter, Annotations? annotations = null)
            {
                ArgumentException.ThrowIfNullOrEmpty(name);
                ArgumentNullException.ThrowIfNull(type);
                ArgumentNullException.ThrowIfNull(getter);
                if (type.RawType != typeof(TValue))
                {
                    throw new ArgumentException($"Annotation '{name}' of type {type} has raw type {type.RawType.Name}, not {typeof(TValue).Name}.", nameof(type));
                }

                items.RemoveAll(i => i.Column.Name == name);
                items.Add((new DetachedColumn(name, type, annotations), getter));
            }

            /// <summary>Adds an annotation with a fixed value (a vector value is copied).</summary>
            public void Add<TValue>(string name, DataViewType type, TValue value, Annotations? annotations = null) =>
                Add(name, type, ValueCopier<TValue>.Constant(value), annotations);

            /// <summary>Adds KeyValues: <paramref name="size"/> values of <paramref name="valueType"/>, entry k - 1 naming key k.</summary>
            public void AddKeyValues<TValue>(int size, PrimitiveDataViewType valueType, ValueGetter<VBuffer<TValue>> getter) =>
                Add(AnnotationKinds.KeyValues, new VectorDataViewType(valueType, size), getter);

            /// <summary>Adds SlotNames: a name for each of the <paramref name="size"/> vector slots.</summary>
            public void AddSlotNames(int size, ValueGetter<VBuffer<ReadOnlyMemory<char>>> getter) =>
                Add(AnnotationKinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, size), getter);

            /// <summary>Copies the annotations of <paramref name="annotations"/> whose names <paramref name="selector"/> accepts.</summary>
            public void Add(Annotations annotations, Func<string, bool> selector)
            {
                ArgumentNullException.ThrowIfNull(annotations);
                ArgumentNullException.ThrowIfNull(selector);
                foreach (var column in annotations.Schema)
                {
                    if (!column.IsHidden && selector(column.Name))
                    {
                        items.RemoveAll(i => i.Column.Name == column.Name);
                        items.Add((new DetachedColumn(column), annotations.getters[column.Index]));
                    }
                }
            }

            /// <summary>The annotations added so far.</summary>
            public Annotations ToAnnotations() =>
                items.Count == 0 ? Empty : new Annotations(new DataViewSchema(items.Select(i => i.Column)), [.. items.Select(i => i.Getter)]);
        }
    }
}
