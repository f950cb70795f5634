using System.Globalization;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The fitted ClassyNet/BranchyNet scorer: runs Algorithm 1 of a <see cref="ClassyNetModel"/> on the features column and
/// adds
/// <list type="bullet">
/// <item><c>Score</c>: Vector&lt;Single, K&gt; of the class probabilities from the exit taken (slot i = key i + 1 of the
/// label; SlotNames = the label's values; ScoreColumnKind = MulticlassClassification);</item>
/// <item><c>PredictedLabel</c>: the predicted class as a Key&lt;UInt32, K&gt; with the label's KeyValues, so
/// <c>MapKeyToValue("PredictedLabel")</c> gives back the label value;</item>
/// <item><c>ExitIndex</c>: Int32, the 0-based exit that answered (annotated with each exit's class indices and
/// multiply-accumulates, which <c>EvaluateExits</c> reads);</item>
/// <item><c>Entropy</c>: Single, the softmax entropy (nats) at that exit over its own outputs, bag included.</item>
/// </list>
/// </summary>
/// <remarks>
/// <see cref="Transform"/> is lazy: its cursors read <see cref="BatchSize"/> rows at a time and run batched early exit on
/// them (each stage only on the rows still in flight), so memory is bounded by one batch whatever the size of the data.
/// <see cref="GetRowToRowMapper"/> maps one row at a time for ML.NET's prediction engine. Save it with
/// <c>mlContext.Model.SaveClassyNet</c>; ML.NET's <c>Model.Save</c> cannot store it and says so.
/// </remarks>
public sealed class EarlyExitScoringTransformer : ITransformer
{
    /// <summary>The scores column.</summary>
    public const string ScoreColumnName = "Score";

    /// <summary>The predicted-label column.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>The exit-index column.</summary>
    public const string ExitIndexColumnName = "ExitIndex";

    /// <summary>The entropy column.</summary>
    public const string EntropyColumnName = "Entropy";

    /// <summary>The kind of this transformer's step in a ClassyNet model file.</summary>
    internal const string StepKind = "classynet-early-exit-scoring";

    private const int StepVersion = 1;
    private const string SettingsEntry = "scorer.json";
    private const string ModelEntry = "classynet-model.zip";

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
        SampleSize = model.InputShape.Aggregate(1, (a, d) => a * d);
        predictor = new Lazy<EarlyExitPredictor>(model.CreatePredictor, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The trained model (network, exit class sets in key order, thresholds, normalisation).</summary>
    public ClassyNetModel Model { get; }

    /// <summary>The features column read.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Rows per early-exit batch when a data view is transformed.</summary>
    public int BatchSize { get; }

    /// <summary>The label value of each class index (as text): the SlotNames of <c>Score</c>.</summary>
    public IReadOnlyList<string> ClassLabels => classValues.Values;

    /// <inheritdoc/>
    public bool IsRowToRowMapper => true;

    /// <summary>Values per sample (the product of the model's input shape).</summary>
    internal int SampleSize { get; }

    /// <summary>The same transformer with other early-exit thresholds (for example after calibration).</summary>
    public EarlyExitScoringTransformer WithThresholds(IReadOnlyList<float> thresholds) =>
        new(Model.WithThresholds(thresholds), FeatureColumnName, classValues, BatchSize);

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => CreateMapper(inputSchema).OutputSchema;

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => CreateMapper(inputSchema);

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var mapper = CreateMapper(input.Schema);
        return new MappedDataView(input, mapper, (source, needed) => new EarlyExitBatchCursor(this, mapper, mapper.Features, source, needed));
    }

    /// <summary>ML.NET's <c>Model.Save</c> cannot store a transformer from outside ML.NET: this throws, naming <c>SaveClassyNet</c>.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw ModelFileErrors.UseSaveClassyNet(nameof(EarlyExitScoringTransformer));

    /// <summary>
    /// The added columns: scores and predicted key over the K classes of <paramref name="values"/>, the exit index
    /// annotated with <paramref name="exitClasses"/> and the MACs, and the entropy.
    /// </summary>
    internal static DataViewSchema.DetachedColumn[] OutputColumns(ClassValues values, string[] exitClasses, double[] exitMacs, double fullNetworkMacs)
    {
        int k = values.Count;
        var score = new DataViewSchema.Annotations.Builder();
        values.AddSlotNames(score);
        AddScoreKinds(score, ScoreColumnName);

        var predicted = new DataViewSchema.Annotations.Builder();
        values.AddKeyValues(predicted);
        AddScoreKinds(predicted, PredictedLabelColumnName);

        var classes = exitClasses.Select(s => s.AsMemory()).ToArray();
        var exit = new DataViewSchema.Annotations.Builder();
        exit.Add(AnnotationKinds.ExitClasses, new VectorDataViewType(TextDataViewType.Instance, classes.Length), (ref VBuffer<ReadOnlyMemory<char>> v) => v = new VBuffer<ReadOnlyMemory<char>>(classes.Length, [.. classes]));
        exit.Add(AnnotationKinds.ExitMacs, new VectorDataViewType(NumberDataViewType.Double, exitMacs.Length), (ref VBuffer<double> v) => v = new VBuffer<double>(exitMacs.Length, [.. exitMacs]));
        exit.AddPrimitiveValue(AnnotationKinds.FullNetworkMacs, NumberDataViewType.Double, fullNetworkMacs);

        return
        [
            new(ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, k), score.ToAnnotations()),
            new(PredictedLabelColumnName, new KeyDataViewType(typeof(uint), k), predicted.ToAnnotations()),
            new(ExitIndexColumnName, NumberDataViewType.Int32, exit.ToAnnotations()),
            new(EntropyColumnName, NumberDataViewType.Single),
        ];
    }

    /// <summary>Early exit for <paramref name="count"/> samples in <paramref name="inputs"/> (raw features; normalised here, in place).</summary>
    internal EarlyExitBatchResult Predict(Span<float> inputs, int count)
    {
        if (!Model.Normalization.IsIdentity)
        {
            Model.Normalization.Apply(inputs, Model.InputShape);
        }

        return predictor.Value.PredictBatch(inputs, count);
    }

    /// <summary>Getters of the four added columns reading the prediction <paramref name="current"/>() returns.</summary>
    internal Delegate?[] OutputGetters(Func<EarlyExitPrediction> current, Func<int, bool> isActive)
    {
        int k = Model.ClassCount;
        bool entropyPolicy = Model.Policy == ExitPolicy.Entropy;
        return
        [
            isActive(0) ? (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                var p = current().Probabilities;
                var editor = VBufferEditor.Create(ref value, k);
                for (int c = 0; c < k; c++)
                {
                    editor.Values[c] = p[c];
                }

                value = editor.Commit();
            }) : null,
            isActive(1) ? (ValueGetter<uint>)((ref uint value) => value = (uint)current().PredictedClass + 1) : null,
            isActive(2) ? (ValueGetter<int>)((ref int value) => value = current().Exit) : null,
            isActive(3) ? (ValueGetter<float>)((ref float value) => value = entropyPolicy ? current().Score : Entropy(current().Probabilities)) : null,
        ];
    }

    /// <summary>Writes this transformer as a step of a ClassyNet model file: its settings and the model bundle.</summary>
    internal void Save(ModelArchiveWriter writer)
    {
        string folder = writer.AddStep(StepKind, StepVersion);
        writer.WriteJson(folder + SettingsEntry, new Settings(FeatureColumnName, BatchSize, classValues));
        writer.Write(folder + ModelEntry, Model.Save);
    }

    /// <summary>Reads a step written by <see cref="Save"/>.</summary>
    internal static EarlyExitScoringTransformer Load(ModelArchiveReader reader, ModelPart step)
    {
        string entry = step.Folder + SettingsEntry;
        if (step.Version != StepVersion)
        {
            throw reader.Error(entry, $"step version {step.Version} is not supported (this library reads {StepVersion})");
        }

        var settings = reader.ReadJson<Settings>(entry);
        if (string.IsNullOrEmpty(settings.FeatureColumnName) || settings.BatchSize < 1 || settings.ClassValues is not { } values || !values.IsValid())
        {
            throw reader.Error(entry, "it has no feature column, batch size or valid class values");
        }

        string modelEntry = step.Folder + ModelEntry;
        ClassyNetModel model;
        using (var stream = reader.Open(modelEntry))
        {
            model = ClassyNetModel.Load(stream, $"{reader.Source}:{modelEntry}");
        }

        if (values.Count != model.ClassCount)
        {
            throw reader.Error(entry, $"it lists {values.Count} class values but the model has {model.ClassCount} classes");
        }

        return new EarlyExitScoringTransformer(model, settings.FeatureColumnName, values, settings.BatchSize);
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
        builder.AddPrimitiveValue(AnnotationKinds.ScoreColumnKind, TextDataViewType.Instance, "MulticlassClassification".AsMemory());
        builder.AddPrimitiveValue(AnnotationKinds.ScoreValueKind, TextDataViewType.Instance, valueKind.AsMemory());
    }

    private Mapper CreateMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var features = FeatureColumn.Bind(inputSchema, FeatureColumnName, nameof(inputSchema), SampleSize);
        var accounting = predictor.Value.Accounting;
        var sets = Model.ExitClasses;
        var exitClasses = Enumerable.Range(0, Model.ExitCount).Select(m => string.Join(' ', sets.ClassesAt(m).Select(c => c.ToString(CultureInfo.InvariantCulture)))).ToArray();
        var columns = OutputColumns(classValues, exitClasses, [.. accounting.EarlyExitMacs().Select(v => (double)v)], accounting.Exits[^1].PrefixMacs);
        return new Mapper(this, inputSchema, features, columns);
    }

    private sealed record Settings(string FeatureColumnName, int BatchSize, ClassValues ClassValues);

    /// <summary>One row at a time (the prediction engine): predicts once per input row position, for all four outputs.</summary>
    private sealed class Mapper(EarlyExitScoringTransformer parent, DataViewSchema schema, FeatureColumn features, DataViewSchema.DetachedColumn[] columns)
        : AddedColumnsMapper(schema, columns, [features.Column])
    {
        public FeatureColumn Features => features;

        protected override Delegate?[] CreateGetters(DataViewRow input, Func<int, bool> isActive)
        {
            if (!Enumerable.Range(0, AddedCount).Any(isActive))
            {
                return new Delegate?[AddedCount];
            }

            var getFeatures = input.GetGetter<VBuffer<float>>(features.Column);
            var x = new float[parent.SampleSize];
            VBuffer<float> buffer = default;
            long position = -1;
            EarlyExitPrediction? prediction = null;
            return parent.OutputGetters(
                () =>
                {
                    if (prediction is null || input.Position != position)
                    {
                        getFeatures(ref buffer);
                        features.CopyChecked(buffer, x, input.Position);
                        prediction = parent.Predict(x, 1).Predictions[0];
                        position = input.Position;
                    }

                    return prediction;
                },
                isActive);
        }
    }
}
