using System.Globalization;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Training;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Estimators;

/// <summary>
/// Trains a class-aware early-exit network (ClassyNet; with all classes at every exit and no cost matrices, BranchyNet)
/// on a data view and returns the <see cref="EarlyExitScoringTransformer"/> that scores with batched early exit.
/// Created by <c>ml.MulticlassClassification.Trainers.ClassyNet(...)</c> or <c>.BranchyNet(...)</c>.
/// </summary>
/// <remarks>
/// <para>The label is a key column (from <c>MapValueToKey</c>; class sets are matched to keys through its KeyValues,
/// since with ML.NET's default ByOccurrence order key k is not class k) or a Single/Double/Int32/Int64/UInt32 class
/// index. Rows with a missing label (key 0, NaN) are skipped and counted in the context's log; a label outside the
/// classes stops training with an error naming the column and row.</para>
/// <para>Features are a known-size Vector&lt;Single&gt;; images keep their [C, H, W] dimensions. Training streams the view
/// in batches through <see cref="MultiExitTrainer.Fit(ITrainingBatchSource, IProgress{TrainingProgress}, CancellationToken)"/>.</para>
/// </remarks>
public sealed partial class ClassyNetTrainer : IEstimator<EarlyExitScoringTransformer>
{
    private const string Source = "ClassyNetTrainer";
    private readonly MLContext context;
    private readonly Options options;
    private readonly string mode;

    internal ClassyNetTrainer(MLContext context, Options options, string mode)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.LabelColumnName, "options.LabelColumnName");
        ArgumentException.ThrowIfNullOrEmpty(options.FeatureColumnName, "options.FeatureColumnName");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1, "options.Epochs");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, "options.BatchSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InferenceBatchSize, 1, "options.InferenceBatchSize");
        if (!(options.LearningRate > 0))
        {
            throw new ArgumentOutOfRangeException("options.LearningRate", options.LearningRate, "LearningRate must be > 0.");
        }

        if (!(options.ValidationFraction >= 0 && options.ValidationFraction < 1))
        {
            throw new ArgumentOutOfRangeException("options.ValidationFraction", options.ValidationFraction, "ValidationFraction must be in [0, 1).");
        }

        if (options.CalibrateThresholds is not null && options.ValidationFraction == 0)
        {
            throw new ArgumentException("CalibrateThresholds needs held-out rows: set ValidationFraction > 0.", "options.CalibrateThresholds");
        }

        this.context = context;
        this.options = options.Clone();
        this.mode = mode;
    }

    /// <summary>The label column.</summary>
    public string LabelColumnName => options.LabelColumnName;

    /// <summary>The features column.</summary>
    public string FeatureColumnName => options.FeatureColumnName;

    /// <summary>What the last <see cref="Fit"/> did (epoch metrics), or null before it.</summary>
    public TrainingResult? LastTrainingResult { get; private set; }

    /// <inheritdoc/>
    public EarlyExitScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var label = LabelColumn.Bind(input.Schema, options.LabelColumnName, options.ExitClasses?.ClassCount ?? options.ClassCount);
        var features = ColumnRequirement.Vector(options.FeatureColumnName, NumberDataViewType.Single, requireKnownSize: true).Bind(input.Schema);
        int k = label.ClassCount;
        var spec = Retarget(options.Architecture, (VectorDataViewType)features.Type, k, options.FeatureColumnName, options.LabelColumnName);
        var sets = options.ExitClasses is null ? ExitClassSets.AllClasses(spec.ExitCount, k) : label.MapSets(options.ExitClasses, "options.ExitClasses");
        if (sets.ExitCount != spec.ExitCount)
        {
            throw new ArgumentException($"ExitClasses defines {sets.ExitCount} exits but the architecture ({spec}) has {spec.ExitCount}.", "options.ExitClasses");
        }

        var thresholds = options.ExitThresholds ?? Enumerable.Repeat(0.5f, spec.ExitCount - 1).ToArray();
        int seed = options.Seed ?? context.NextSeed();
        var model = ClassyNetModel.Create(spec, sets, thresholds, options.ExitPolicy, seed);
        model = new ClassyNetModel(model.Spec, model.Network, sets, thresholds, options.ExitPolicy)
        {
            ClassNames = label.Values.Values.All(v => v.Length > 0) ? label.Values.Values : null,
            Mode = mode,
            Metadata = new Dictionary<string, string>
            {
                ["epochs"] = options.Epochs.ToString(CultureInfo.InvariantCulture),
                ["learningRate"] = options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
                ["batchSize"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
                ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
                ["labelColumn"] = options.LabelColumnName,
                ["featureColumn"] = options.FeatureColumnName,
            },
        };

        var trainer = new MultiExitTrainer(model.Network, new MultiExitTrainerOptions
        {
            ExitClasses = sets,
            CostMatrices = options.CostMatrices,
            ExitLossWeights = options.ExitLossWeights,
            ExitThresholds = thresholds,
            InstanceMasking = options.InstanceMasking,
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            WeightDecay = options.WeightDecay,
            Shuffle = options.Shuffle,
            Seed = seed,
            ValidationFraction = options.ValidationFraction,
        });

        var source = new DataViewBatchSource(input, features, label, spec.InputShape, seed, options.Shuffle, options.ValidationFraction);
        context.WriteLog(Source, ChannelMessageKind.Info, $"Training {mode} {spec} on '{options.FeatureColumnName}' -> '{options.LabelColumnName}' ({k} classes; exits {sets}) for {options.Epochs} epoch(s).");
        LastTrainingResult = trainer.Fit(source, options.Progress);
        if (source.MissingLabels > 0)
        {
            context.WriteLog(Source, ChannelMessageKind.Warning, $"Skipped {source.MissingLabels} row(s) with a missing label in column '{options.LabelColumnName}' (key 0 or NaN: a value not seen by MapValueToKey).");
        }

        foreach (var epoch in LastTrainingResult.Epochs)
        {
            context.WriteLog(Source, ChannelMessageKind.Trace, $"Epoch {epoch.Epoch}: loss {epoch.Loss:G4}, {epoch.SamplesPerSecond:F0} samples/s.");
        }

        if (options.CalibrateThresholds is { } calibration)
        {
            var validation = source.ReadValidation();
            if (validation.Count == 0)
            {
                throw new InvalidOperationException($"No rows were held out for threshold calibration (ValidationFraction {options.ValidationFraction}).");
            }

            model = model.Recalibrate(validation, calibration).Model;
            context.WriteLog(Source, ChannelMessageKind.Info, $"Calibrated thresholds on {validation.Count} held-out rows: [{string.Join(", ", model.Thresholds.Select(t => t.ToString("G4", CultureInfo.InvariantCulture)))}].");
        }

        return new EarlyExitScoringTransformer(model, options.FeatureColumnName, label.Values, options.InferenceBatchSize);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var label = LabelColumn.Requirement(options.LabelColumnName).Bind(inputSchema);
        ColumnRequirement.Vector(options.FeatureColumnName, NumberDataViewType.Single, requireKnownSize: true).Bind(inputSchema);
        if (options.Architecture is { } spec)
        {
            int size = spec.InputShape.Aggregate(1, (a, d) => a * d);
            ColumnRequirement.Vector(options.FeatureColumnName, NumberDataViewType.Single, size).Bind(inputSchema);
        }

        if (!label.IsKey && (options.ExitClasses?.ClassCount ?? options.ClassCount) is null)
        {
            throw new ArgumentException($"Label column '{options.LabelColumnName}' is a {label.DescribeType()} class index, so the class count must be given (ExitClasses or ClassCount); or map it to a key first with MapValueToKey.", nameof(inputSchema));
        }

        DataViewType keyValueType = !label.IsKey ? label.ItemType
            : label.Annotations.GetColumnOrNull(AnnotationKinds.KeyValues) is { } kv ? kv.ItemType : NumberDataViewType.UInt32;
        return new SchemaShape([.. inputSchema, .. EarlyExitScoringTransformer.OutputShape(keyValueType)]);
    }

    /// <summary>
    /// The architecture for features of <paramref name="type"/> and <paramref name="classes"/> classes: the default one
    /// sized from the data, or <paramref name="spec"/> after checking that its input takes the features (an image network
    /// also takes a flat vector of the same size) and that it has <paramref name="classes"/> classes.
    /// </summary>
    private static NetworkSpec Retarget(NetworkSpec? spec, VectorDataViewType type, int classes, string column, string labelColumn)
    {
        var dims = type.Dimensions;
        bool image = dims.Length == 3 && dims[1] == dims[2];
        if (spec is null)
        {
            return image ? NetworkSpec.ResNet(20, [7, 13, 20], dims[0], dims[1], classes) : NetworkSpec.Mlp(type.Size, [256, 128, 64], classes);
        }

        CheckFeatures(spec, type, column);
        if (spec.Classes != classes)
        {
            throw new ArgumentOutOfRangeException("options", $"The architecture ({spec}) has {spec.Classes} classes but label column '{labelColumn}' has {classes}.");
        }

        return spec;
    }

    /// <summary>Throws naming <paramref name="column"/> when features of <paramref name="type"/> do not fit <paramref name="spec"/>'s input.</summary>
    private static void CheckFeatures(NetworkSpec spec, VectorDataViewType type, string column)
    {
        var shape = spec.InputShape;
        int size = shape.Aggregate(1, (a, d) => a * d);
        bool fits = type.Size == size && (type.Dimensions.Length == 1 || shape.Count == 1 || type.Dimensions.SequenceEqual(shape));
        if (!fits)
        {
            throw new ArgumentOutOfRangeException("inputSchema", $"Schema mismatch for input column '{column}': expected Vector<Single, {string.Join(", ", shape)}> (the input of {spec}), got {type}.");
        }
    }
}
