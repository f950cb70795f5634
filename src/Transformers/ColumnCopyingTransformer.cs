using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>Copies columns under new names, with their types and annotations (<c>ml.Transforms.CopyColumns</c>).</summary>
public sealed class ColumnCopyingTransformer : OneToOneTransformerBase
{
    internal const string LoaderSignature = "CopyColumns";

    internal ColumnCopyingTransformer(IEnumerable<(string outputColumnName, string inputColumnName)> columns)
        : base(columns)
    {
    }

    [ModelLoader(LoaderSignature)]
    internal static ColumnCopyingTransformer Create(ModelLoadContext ctx)
    {
        ctx.CheckVersion(1, 1);
        return new ColumnCopyingTransformer(LoadColumnPairs(ctx));
    }

    /// <inheritdoc/>
    protected override RowToRowMapperBase MakeMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema, BindInputs(inputSchema, ColumnRequirement.Any));

    /// <inheritdoc/>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature, 1);
        SaveColumnPairs(ctx);
    }

    private sealed class Mapper(ColumnCopyingTransformer parent, DataViewSchema inputSchema, DataViewSchema.Column[] inputs) : RowToRowMapperBase(inputSchema)
    {
        public override IEnumerable<DataViewSchema.Column> GetDependencies(int outputIndex) => [inputs[outputIndex]];

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() =>
            [.. inputs.Select((c, i) => new DataViewSchema.DetachedColumn(parent.ColumnPairs[i].outputColumnName, c.Type, c.Annotations))];

        protected override Delegate MakeGetter(DataViewRow input, int outputIndex)
        {
            var method = typeof(Mapper).GetMethod(nameof(Copy), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(inputs[outputIndex].Type.RawType);
            return (Delegate)method.Invoke(null, [input, inputs[outputIndex]])!;
        }

        private static ValueGetter<T> Copy<T>(DataViewRow input, DataViewSchema.Column column)
        {
            var getter = input.GetGetter<T>(column);
            T source = default!;
            return (ref T value) =>
            {
                getter(ref source);
                ValueCopier<T>.Copy(source, ref value);
            };
        }
    }
}
