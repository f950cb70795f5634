using System.Globalization;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The fitted ClassyNet/BranchyNet scorer: a row-to-row mapper around a <see cref="ClassyNetModel"/> that runs
/// Algorithm 1 and adds
/// <list type="bullet">
/// <item><c>Score</c>: Vector&lt;Single&gt; of the K class probabilities from the exit taken (slot i = key i + 1 of the
/// label; SlotNames = the label's values);</item>
/// <item><c>PredictedLabel</c>: the predicted class as a UInt32 key over K with the label's KeyValues, so
/// <c>MapKeyToValue("PredictedLabel")</c> gives back the label value;</item>
/// <item><c>ExitIndex</c>: Int32, the 0-based exit that answered (annotated with each exit's class indices and
/// multiply-accumulates, which <c>EvaluateExits</c> reads);</item>
/// <item><c>Entropy</c>: Single, the softmax entropy (nats) at that exit over its own outputs, bag included.</item>
/// </list>
/// Transforming a data view runs batched early exit, <see cref="BatchSize"/> rows at a time, each stage only on the rows
/// still in flight; a prediction engine maps one row. Saved into the model zip with the model bundle as an entry.
/// </summary>
public sealed class EarlyExitScoringTransformer : RowToRowTransformerBase
{
    /// <summary>The annotation on <c>ExitIndex</c> listing, per exit, the class indices (0-based, key order) of S_m, space-separated (Vector&lt;Text, M&gt;).</summary>
    public const string ExitClassesAnnotation = "ClassyNet.ExitClasses";

    /// <summary>The annotation on <c>ExitIndex</c> giving the multiply-accumulates of a sample that leaves at each exit (Vector&lt;Double, M&gt;).</summary>
    public const string ExitMacsAnnotation = "ClassyNet.ExitMacs";

    /// <summary>The annotation on <c>ExitIndex</c> giving the multiply-accumulates of the full network without early exits (Double).</summary>
    public const string FullNetworkMacsAnnotation = "ClassyNet.FullNetworkMacs";

    internal const string LoaderSignature = "ClassyNetEarlyExitScoring";
    private const string ModelEntry = "ClassyNetModel.zip";
    private const string ScorerEntry = "Scorer.json";

    private readonly ClassValues classValues;
    private readonly Lazy<EarlyExitPredictor> predictor;

    internal EarlyExitScoringTransformer(ClassyNetModel model, string featureColumnName, ClassValues classValues, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(featureColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (classValues.Count != model.ClassCount)
        {
            throw new ArgumentException($"{classValues.Count} class values for a model of {model.ClassCount} classes.", nameof(classValues));
        }

        Model = model;
        FeatureColumnName = featureColumnName;
        BatchSize = batchSize;
        this.classValues = classValues;
        predictor = new Lazy<EarlyExitPredictor>(model.CreatePredictor, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The trained model (network, exit class sets in key order, thresholds).</summary>
    public ClassyNetModel Model { get; }

    /// <summary>The features column read.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Rows per early-exit batch when a data view is transformed.</summary>
    public int BatchSize { get; }

    /// <summary>The label value of each class index (as text), the SlotNames of <c>Score</c>.</summary>
    public IReadOnlyList<string> ClassLabels => classValues.Values;

    /// <summary>The same transformer with other early-exit thresholds (for example after calibration).</summary>
    public EarlyExitScoringTransformer WithThresholds(IReadOnlyList<float> thresholds) =>
        new(Model.WithThresholds(thresholds), FeatureColumnName, classValues, BatchSize);

    /// <summary>The output columns' shapes for classes whose values have type <paramref name="keyValueType"/> (shapes carry no key counts or vector sizes).</summary>
    internal static SchemaShape.Column[] OutputShape(DataViewType keyValueType)
    {
        static SchemaShape.Column Annotation(string name, SchemaShape.VectorKind kind, DataViewType type) => new(name, kind, type, false);
        var text = TextDataViewType.Instance;
        var scoreKinds = new[] { Annotation(AnnotationKinds.ScoreColumnKind, SchemaShape.VectorKind.Scalar, text), Annotation(AnnotationKinds.ScoreValueKind, SchemaShape.VectorKind.Scalar, text) };
        return
        [
            new("Score", SchemaShape.VectorKind.Vector, NumberDataViewType.Single, false, new SchemaShape([Annotation(AnnotationKinds.SlotNames, SchemaShape.VectorKind.Vector, text), .. scoreKinds])),
            new("PredictedLabel", SchemaShape.VectorKind.Scalar, NumberDataViewType.UInt32, true, new SchemaShape([Annotation(AnnotationKinds.KeyValues, SchemaShape.VectorKind.Vector, keyValueType), .. scoreKinds])),
            new("ExitIndex", SchemaShape.VectorKind.Scalar, NumberDataViewType.Int32, false, new SchemaShape(
            [
                Annotation(ExitClassesAnnotation, SchemaShape.VectorKind.Vector, text),
                Annotation(ExitMacsAnnotation, SchemaShape.VectorKind.Vector, NumberDataViewType.Double),
                Annotation(FullNetworkMacsAnnotation, SchemaShape.VectorKind.Scalar, NumberDataViewType.Double),
            ])),
            new("Entropy", SchemaShape.VectorKind.Scalar, NumberDataViewType.Single, false),
        ];
    }

    [ModelLoader(LoaderSignature)]
    internal static EarlyExitScoringTransformer Create(ModelLoadContext ctx)
    {
        ctx.CheckVersion(1, 1);
        var saved = ctx.LoadJson<Saved>(ScorerEntry);
        if (string.IsNullOrEmpty(saved.FeatureColumnName) || saved.BatchSize < 1 || saved.ClassValues is null)
        {
            throw ctx.Error($"'{ctx.Directory}{ScorerEntry}' has no feature column, batch size or class values");
        }

        using var stream = ctx.OpenStream(ModelEntry);
        var model = ClassyNetModel.Load(stream, $"{ctx.Source}:{ctx.Directory}{ModelEntry}");
        var values = saved.ClassValues.Validate(ctx);
        if (values.Count != model.ClassCount)
        {
            throw ctx.Error($"'{ctx.Directory}{ScorerEntry}' lists {values.Count} class values but the model has {model.ClassCount} classes");
        }

        return new EarlyExitScoringTransformer(model, saved.FeatureColumnName, values, saved.BatchSize);
    }

    /// <inheritdoc/>
    protected override RowToRowMapperBase MakeMapper(DataViewSchema inputSchema)
    {
        int size = Model.InputShape.Aggregate(1, (a, d) => a * d);
        var features = ColumnRequirement.Vector(FeatureColumnName, NumberDataViewType.Single, size).Bind(inputSchema);
        return new Mapper(this, inputSchema, features);
    }

    /// <inheritdoc/>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        ctx.SetVersionInfo(LoaderSignature, 1);
        ctx.SaveJson(ScorerEntry, new Saved(FeatureColumnName, BatchSize, classValues));
        ctx.SaveStream(ModelEntry, Model.Save);
    }

    private sealed record Saved(string FeatureColumnName, int BatchSize, ClassValues ClassValues);

    private sealed class Mapper(EarlyExitScoringTransformer parent, DataViewSchema schema, DataViewSchema.Column features) : RowToRowMapperBase(schema)
    {
        private readonly int sampleSize = parent.Model.InputShape.Aggregate(1, (a, d) => a * d);

        public override int BatchSize => parent.BatchSize;

        public override IEnumerable<DataViewSchema.Column> GetDependencies(int outputIndex) => [features];

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore()
        {
            var model = parent.Model;
            var values = parent.classValues;
            int k = model.ClassCount;

            var score = new DataViewSchema.Annotations.Builder();
            values.AddSlotNames(score);
            AddScoreKinds(score, "Score");

            var predicted = new DataViewSchema.Annotations.Builder();
            values.AddKeyValues(predicted);
            AddScoreKinds(predicted, "PredictedLabel");

            var accounting = parent.predictor.Value.Accounting;
            var exitClasses = new VBuffer<ReadOnlyMemory<char>>(model.ExitCount, [.. Enumerable.Range(0, model.ExitCount)
                .Select(m => string.Join(' ', model.ExitClasses.ClassesAt(m).Select(c => c.ToString(CultureInfo.InvariantCulture))).AsMemory())]);
            var exitMacs = new VBuffer<double>(model.ExitCount, [.. accounting.EarlyExitMacs().Select(v => (double)v)]);
            var exit = new DataViewSchema.Annotations.Builder();
            exit.Add(ExitClassesAnnotation, new VectorDataViewType(TextDataViewType.Instance, model.ExitCount), exitClasses);
            exit.Add(ExitMacsAnnotation, new VectorDataViewType(NumberDataViewType.Double, model.ExitCount), exitMacs);
            exit.Add(FullNetworkMacsAnnotation, NumberDataViewType.Double, (double)accounting.Exits[^1].PrefixMacs);

            return
            [
                new("Score", new VectorDataViewType(NumberDataViewType.Single, k), score.ToAnnotations()),
                new("PredictedLabel", new KeyDataViewType(typeof(uint), k), predicted.ToAnnotations()),
                new("ExitIndex", NumberDataViewType.Int32, exit.ToAnnotations()),
                new("Entropy", NumberDataViewType.Single),
            ];
        }

        protected override void MapBatch(RowBatch batch)
        {
            int n = batch.Count;
            var inputs = new float[n * sampleSize];
            batch.CopyDenseInput<float>(features, inputs);
            var result = parent.predictor.Value.PredictBatch(inputs, n);

            int k = parent.Model.ClassCount;
            bool entropyPolicy = parent.Model.Policy == ExitPolicy.Entropy;
            if (batch.IsOutputActive(0))
            {
                var scores = batch.GetOutput<VBuffer<float>>(0);
                for (int r = 0; r < n; r++)
                {
                    var editor = VBufferEditor.Create(ref scores[r], k);
                    var p = result.Predictions[r].Probabilities;
                    for (int c = 0; c < k; c++)
                    {
                        editor.Values[c] = p[c];
                    }

                    scores[r] = editor.Commit();
                }
            }

            if (batch.IsOutputActive(1))
            {
                var keys = batch.GetOutput<uint>(1);
                for (int r = 0; r < n; r++)
                {
                    keys[r] = (uint)result.Predictions[r].PredictedClass + 1;
                }
            }

            if (batch.IsOutputActive(2))
            {
                var exits = batch.GetOutput<int>(2);
                for (int r = 0; r < n; r++)
                {
                    exits[r] = result.Predictions[r].Exit;
                }
            }

            if (batch.IsOutputActive(3))
            {
                var entropy = batch.GetOutput<float>(3);
                for (int r = 0; r < n; r++)
                {
                    entropy[r] = entropyPolicy ? result.Predictions[r].Score : Entropy(result.Predictions[r].Probabilities);
                }
            }
        }

        private static float Entropy(IReadOnlyList<float> p)
        {
            double h = 0;
            foreach (float v in p)
            {
                h -= v > 0 ? v * Math.Log(v) : 0;
            }

            return (float)h;
        }

        private static void AddScoreKinds(DataViewSchema.Annotations.Builder builder, string valueKind)
        {
            builder.Add(AnnotationKinds.ScoreColumnKind, TextDataViewType.Instance, "MulticlassClassification".AsMemory());
            builder.Add(AnnotationKinds.ScoreValueKind, TextDataViewType.Instance, valueKind.AsMemory());
        }
    }
}
