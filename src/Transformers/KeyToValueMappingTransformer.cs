using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Maps keys back to the values their KeyValues annotation names (<c>ml.Transforms.Conversion.MapKeyToValue</c>):
/// key k becomes entry k - 1; key 0 (missing) and keys past the annotation become the missing value (NaN for floating
/// point, empty text, else the default).
/// </summary>
public sealed class KeyToValueMappingTransformer : OneToOneTransformerBase
{
    internal const string LoaderSignature = "MapKeyToValue";

    internal KeyToValueMappingTransformer(IEnumerable<(string outputColumnName, string inputColumnName)> columns)
        : base(columns)
    {
    }

    /// <summary>What an input column must be.</summary>
    internal static ColumnRequirement Requirement(string name) => ColumnRequirement.Custom(
        name,
        "a key (or vector of keys) with KeyValues",
        t => ValueToKeyMappingTransformer.ItemOf(t) is KeyDataViewType,
        s => s.IsKey && s.HasKeyValues);

    [ModelLoader(LoaderSignature)]
    internal static KeyToValueMappingTransformer Create(ModelLoadContext ctx)
    {
        ctx.CheckVersion(1, 1);
        return new KeyToValueMappingTransformer(LoadColumnPairs(ctx));
    }

    /// <inheritdoc/>
    protected override RowToRowMapperBase MakeMapper(DataViewSchema inputSchema)
    {
        var inputs = BindInputs(inputSchema, Requirement);
        foreach (var c in inputs)
        {
            if (c.Annotations.Schema.GetColumnOrNull(AnnotationKinds.KeyValues) is not { Type: VectorDataViewType })
            {
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Schema mismatch for input column '{c.Name}': expected a key with KeyValues annotations, got {c.Type} without them.");
            }
        }

        return new Mapper(this, inputSchema, inputs);
    }

    /// <inheritdoc/>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature, 1);
        SaveColumnPairs(ctx);
    }

    private sealed class Mapper(KeyToValueMappingTransformer parent, DataViewSchema inputSchema, DataViewSchema.Column[] inputs) : RowToRowMapperBase(inputSchema)
    {
        public override IEnumerable<DataViewSchema.Column> GetDependencies(int outputIndex) => [inputs[outputIndex]];

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() =>
            [.. inputs.Select((c, i) =>
            {
                var item = ((VectorDataViewType)c.Annotations.Schema[AnnotationKinds.KeyValues].Type).ItemType;
                var type = c.Type is VectorDataViewType v ? new VectorDataViewType(item, [.. v.Dimensions]) : (DataViewType)item;
                return new DataViewSchema.DetachedColumn(parent.ColumnPairs[i].outputColumnName, type);
            })];

        protected override Delegate MakeGetter(DataViewRow input, int outputIndex)
        {
            var column = inputs[outputIndex];
            var item = ((VectorDataViewType)column.Annotations.Schema[AnnotationKinds.KeyValues].Type).ItemType;
            var method = typeof(Mapper).GetMethod(column.Type is VectorDataViewType ? nameof(VectorGetter) : nameof(ScalarGetter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(item.RawType);
            return (Delegate)method.Invoke(null, [input, column])!;
        }

        private static T[] Values<T>(DataViewSchema.Column column)
        {
            VBuffer<T> values = default;
            column.GetKeyValues(ref values);
            return [.. values.DenseValues()];
        }

        private static T Missing<T>() => typeof(T) == typeof(float) ? (T)(object)float.NaN : typeof(T) == typeof(double) ? (T)(object)double.NaN : default!;

        private static ValueGetter<T> ScalarGetter<T>(DataViewRow input, DataViewSchema.Column column)
        {
            var values = Values<T>(column);
            var missing = Missing<T>();
            var getter = input.GetGetter<uint>(column);
            uint key = 0;
            return (ref T value) =>
            {
                getter(ref key);
                value = key >= 1 && key <= values.Length ? values[key - 1] : missing;
            };
        }

        private static ValueGetter<VBuffer<T>> VectorGetter<T>(DataViewRow input, DataViewSchema.Column column)
        {
            var values = Values<T>(column);
            var missing = Missing<T>();
            var getter = input.GetGetter<VBuffer<uint>>(column);
            VBuffer<uint> keys = default;
            return (ref VBuffer<T> value) =>
            {
                getter(ref keys);
                var editor = VBufferEditor.Create(ref value, keys.Length);
                int i = 0;
                foreach (uint key in keys.DenseValues())
                {
                    editor.Values[i++] = key >= 1 && key <= values.Length ? values[key - 1] : missing;
                }

                value = editor.Commit();
            };
        }
    }
}
