using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>
/// A test transformer shaped like a neural scorer: from a known-size float vector it adds "Sum" (Single) and "Scaled"
/// (the vector times a factor). With BatchSize 0 it maps per row (MakeGetter); otherwise only MapBatch is implemented.
/// </summary>
internal sealed class SumTransformer : RowToRowTransformerBase
{
    public SumTransformer(string inputColumnName, float factor, int batchSize)
    {
        InputColumnName = inputColumnName;
        Factor = factor;
        BatchSize = batchSize;
    }

    public string InputColumnName { get; }

    public float Factor { get; }

    public int BatchSize { get; }

    public List<int> BatchCounts { get; } = [];

    [ModelLoader("TestSum")]
    internal static SumTransformer Create(ModelLoadContext ctx)
    {
        ctx.CheckVersion(1, 1);
        return ctx.LoadBinaryStream("Model.bin", r => new SumTransformer(r.ReadString(), r.ReadSingle(), r.ReadInt32()));
    }

    protected override RowToRowMapperBase MakeMapper(DataViewSchema inputSchema)
    {
        var input = ColumnRequirement.Vector(InputColumnName, NumberDataViewType.Single, requireKnownSize: true).Bind(inputSchema);
        return BatchSize > 0 ? new BatchMapper(this, inputSchema, input) : new RowMapper(this, inputSchema, input);
    }

    protected override void SaveModel(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo("TestSum", 1);
        ctx.SaveBinaryStream("Model.bin", w =>
        {
            w.Write(InputColumnName);
            w.Write(Factor);
            w.Write(BatchSize);
        });
    }

    private static DataViewSchema.DetachedColumn[] Outputs(DataViewSchema.Column input) =>
        [new("Sum", NumberDataViewType.Single), new("Scaled", input.Type)];

    private sealed class RowMapper(SumTransformer parent, DataViewSchema schema, DataViewSchema.Column input) : RowToRowMapperBase(schema)
    {
        public override IEnumerable<DataViewSchema.Column> GetDependencies(int outputIndex) => [input];

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => Outputs(input);

        protected override Delegate MakeGetter(DataViewRow row, int outputIndex)
        {
            var getter = row.GetGetter<VBuffer<float>>(input);
            VBuffer<float> source = default;
            if (outputIndex == 0)
            {
                return (ValueGetter<float>)((ref float value) =>
                {
                    getter(ref source);
                    value = 0;
                    foreach (float v in source.DenseValues())
                    {
                        value += v;
                    }
                });
            }

            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                getter(ref source);
                var editor = VBufferEditor.Create(ref value, source.Length);
                source.CopyTo(editor.Values);
                foreach (ref float v in editor.Values)
                {
                    v *= parent.Factor;
                }

                value = editor.Commit();
            });
        }
    }

    private sealed class BatchMapper(SumTransformer parent, DataViewSchema schema, DataViewSchema.Column input) : RowToRowMapperBase(schema)
    {
        private readonly int size = ((VectorDataViewType)input.Type).Size;

        public override int BatchSize => parent.BatchSize;

        public override IEnumerable<DataViewSchema.Column> GetDependencies(int outputIndex) => [input];

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => Outputs(input);

        protected override void MapBatch(RowBatch batch)
        {
            parent.BatchCounts.Add(batch.Count);
            var dense = new float[batch.Count * size];
            batch.CopyDenseInput<float>(input, dense);
            if (batch.IsOutputActive(0))
            {
                var sums = batch.GetOutput<float>(0);
                for (int r = 0; r < batch.Count; r++)
                {
                    float s = 0;
                    foreach (float v in dense.AsSpan(r * size, size))
                    {
                        s += v;
                    }

                    sums[r] = s;
                }
            }

            if (batch.IsOutputActive(1))
            {
                var scaled = batch.GetOutput<VBuffer<float>>(1);
                for (int r = 0; r < batch.Count; r++)
                {
                    var editor = VBufferEditor.Create(ref scaled[r], size);
                    for (int i = 0; i < size; i++)
                    {
                        editor.Values[i] = dense[(r * size) + i] * parent.Factor;
                    }

                    scaled[r] = editor.Commit();
                }
            }
        }
    }
}

/// <summary>The estimator of <see cref="SumTransformer"/>.</summary>
internal sealed class SumEstimator(string inputColumnName, float factor, int batchSize) : TrivialEstimator<SumTransformer>(new SumTransformer(inputColumnName, factor, batchSize))
{
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var input = ColumnRequirement.Vector(Transformer.InputColumnName, NumberDataViewType.Single, requireKnownSize: true).Bind(inputSchema);
        return new SchemaShape([.. inputSchema, new SchemaShape.Column("Sum", SchemaShape.VectorKind.Scalar, NumberDataViewType.Single, false), new SchemaShape.Column("Scaled", input.Kind, input.ItemType, false)]);
    }
}
