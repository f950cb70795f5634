using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Applies a fitted affine normalization <c>(x - offset) * scale</c> per column, with one (scale, offset) per vector slot
/// (<c>NormalizeMinMax</c>, <c>NormalizeMeanVariance</c>). Inputs are Single scalars or known-size Single vectors
/// (images); outputs have the input's type, its SlotNames, and <c>IsNormalized</c> = true. NaN stays NaN.
/// </summary>
public sealed class NormalizingTransformer : OneToOneTransformerBase
{
    internal const string LoaderSignature = "Normalizer";

    private readonly float[][] scales;
    private readonly float[][] offsets;

    internal NormalizingTransformer(IEnumerable<(string outputColumnName, string inputColumnName)> columns, float[][] scales, float[][] offsets)
        : base(columns)
    {
        this.scales = scales;
        this.offsets = offsets;
    }

    /// <summary>The per-slot scales of column <paramref name="index"/>.</summary>
    public IReadOnlyList<float> GetScales(int index) => scales[index];

    /// <summary>The per-slot offsets of column <paramref name="index"/>.</summary>
    public IReadOnlyList<float> GetOffsets(int index) => offsets[index];

    [ModelLoader(LoaderSignature)]
    internal static NormalizingTransformer Create(ModelLoadContext ctx)
    {
        ctx.CheckVersion(1, 1);
        var columns = LoadColumnPairs(ctx);
        var (scales, offsets) = ctx.LoadBinaryStream("Affine.bin", r =>
        {
            int n = r.ReadInt32();
            if (n != columns.Length)
            {
                throw ctx.Error($"'{ctx.Directory}Affine.bin' holds {n} columns, expected {columns.Length}");
            }

            var s = new float[n][];
            var o = new float[n][];
            for (int i = 0; i < n; i++)
            {
                int size = r.ReadInt32();
                if (size < 1 || size > (r.BaseStream.Length - r.BaseStream.Position) / 8)
                {
                    throw ctx.Error($"'{ctx.Directory}Affine.bin' column {i} claims {size} slots");
                }

                s[i] = ReadFloats(r, size);
                o[i] = ReadFloats(r, size);
            }

            return (s, o);
        });
        return new NormalizingTransformer(columns, scales, offsets);
    }

    /// <inheritdoc/>
    protected override RowToRowMapperBase MakeMapper(DataViewSchema inputSchema)
    {
        var inputs = BindInputs(inputSchema, n => ColumnRequirement.ScalarOrVector(n, NumberDataViewType.Single));
        for (int i = 0; i < inputs.Length; i++)
        {
            int size = inputs[i].Type is VectorDataViewType v ? v.Size : 1;
            if (size != scales[i].Length)
            {
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Schema mismatch for input column '{inputs[i].Name}': the normalizer was fitted on {scales[i].Length} slot(s), got {inputs[i].Type}.");
            }
        }

        return new Mapper(this, inputSchema, inputs);
    }

    /// <inheritdoc/>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature, 1);
        SaveColumnPairs(ctx);
        ctx.SaveBinaryStream("Affine.bin", w =>
        {
            w.Write(scales.Length);
            for (int i = 0; i < scales.Length; i++)
            {
                w.Write(scales[i].Length);
                foreach (float v in scales[i])
                {
                    w.Write(v);
                }

                foreach (float v in offsets[i])
                {
                    w.Write(v);
                }
            }
        });
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadSingle();
        }

        return values;
    }

    private sealed class Mapper(NormalizingTransformer parent, DataViewSchema inputSchema, DataViewSchema.Column[] inputs) : RowToRowMapperBase(inputSchema)
    {
        public override IEnumerable<DataViewSchema.Column> GetDependencies(int outputIndex) => [inputs[outputIndex]];

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() =>
            [.. inputs.Select((c, i) =>
            {
                var annotations = new DataViewSchema.Annotations.Builder();
                annotations.Add(c.Annotations, name => name == AnnotationKinds.SlotNames);
                annotations.Add(AnnotationKinds.IsNormalized, BooleanDataViewType.Instance, true);
                return new DataViewSchema.DetachedColumn(parent.ColumnPairs[i].outputColumnName, c.Type, annotations.ToAnnotations());
            })];

        protected override Delegate MakeGetter(DataViewRow input, int outputIndex)
        {
            var scale = parent.scales[outputIndex];
            var offset = parent.offsets[outputIndex];
            var column = inputs[outputIndex];
            if (column.Type is not VectorDataViewType)
            {
                var scalar = input.GetGetter<float>(column);
                float x = 0;
                return (ValueGetter<float>)((ref float value) =>
                {
                    scalar(ref x);
                    value = (x - offset[0]) * scale[0];
                });
            }

            var getter = input.GetGetter<VBuffer<float>>(column);
            VBuffer<float> source = default;
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                getter(ref source);
                if (source.Length != scale.Length)
                {
                    throw new InvalidOperationException($"Column '{column.Name}' holds a vector of {source.Length} values; the normalizer expects {scale.Length}.");
                }

                var editor = VBufferEditor.Create(ref value, source.Length);
                var values = editor.Values;
                source.CopyTo(values);
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (values[i] - offset[i]) * scale[i];
                }

                value = editor.Commit();
            });
        }
    }
}
