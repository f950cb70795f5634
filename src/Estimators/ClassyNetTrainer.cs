using System.Globalization;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Training;
using ClassyNet.MLNet.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Estimators;

/// <summary>
/// Trains a class-aware early-exit network (ClassyNet; with all classes at every exit and no cost matrices, BranchyNet)
/// on a data view and returns the <see cref="EarlyExitScoringTransformer"/> that scores with batched early exit.
/// Created by <c>mlContext.MulticlassClassification.Trainers.ClassyNet(...)</c> or <c>.BranchyNet(...)</c>.
/// </summary>
/// <remarks>
/// <para>The label is a Key&lt;UInt32&gt; column (from <c>MapValueToKey</c>); class sets are matched to keys through its
/// KeyValues, since with ML.NET's default ByOccurrence order key k is not class k - 1. Rows with a missing label (key 0)
/// are skipped and counted in <see cref="LastSkippedRowCount"/>; a key above the count stops training with an error
/// naming the column and row.</para>
/// <para>Features are a known-size Vector&lt;Single&gt;; images keep their [C, H, W] dimensions. NaN or infinite features
/// stop training with an error naming the column, row and slot. Training streams the view in batches through
/// <see cref="MultiExitTrainer.Fit(ITrainingBatchSource, IProgress{TrainingProgress}, CancellationToken)"/>.</para>
/// </remarks>
public sealed partial class ClassyNetTrainer : IEstimator<EarlyExitScoringTransformer>
{
    private readonly Options options;
    private readonly string mode;

    internal ClassyNetTrainer(Options options, string mode)
    {
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

        this.options = options.Clone();
        this.mode = mode;
    }

    /// <summary>The label column.</summary>
    public string LabelColumnName => options.LabelColumnName;

    /// <summary>The features column.</summary>
    public string FeatureColumnName => options.FeatureColumnName;

    /// <summary>What the last <see cref="Fit"/> did (epoch metrics), or null before it.</summary>
    public TrainingResult? LastTrainingResult { get; private set; }

    /// <summary>Rows the last <see cref="Fit"/> skipped because their label was missing (key 0: a value MapValueToKey did not see).</summary>
    public long LastSkippedRowCount { get; private set; }

    /// <inheritdoc/>
    public EarlyExitScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var label = LabelColumn.Bind(input.Schema, options.LabelColumnName, nameof(input));
        var features = FeatureColumn.Bind(input.Schema, options.FeatureColumnName, nameof(input));
        int k = label.ClassCount;
        var spec = Retarget(options.Architecture, features, k, options.LabelColumnName);
        var sets = options.ExitClasses is null ? ExitClassSets.AllClasses(spec.ExitCount, k) : label.MapSets(options.ExitClasses, "options.ExitClasses");
        if (sets.ExitCount != spec.ExitCount)
        {
            throw new ArgumentException($"ExitClasses defines {sets.ExitCount} exits but the architecture ({spec}) has {spec.ExitCount}.", "options.ExitClasses");
        }

        var thresholds = options.ExitThresholds ?? Enumerable.Repeat(0.5f, spec.ExitCount - 1).ToArray();
        int seed = options.Seed ?? Options.DefaultSeed;
        var created = ClassyNetModel.Create(spec, sets, thresholds, options.ExitPolicy, seed);
        var model = new ClassyNetModel(created.Spec, created.Network, sets, thresholds, options.ExitPolicy)
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
        LastTrainingResult = trainer.Fit(source, options.Progress);
        LastSkippedRowCount = source.MissingLabels;
        if (options.CalibrateThresholds is { } calibration)
        {
            var validation = source.ReadValidation();
            if (validation.Count == 0)
            {
                throw new InvalidOperationException($"No rows were held out for threshold calibration (ValidationFraction {options.ValidationFraction}).");
            }

            model = model.Recalibrate(validation, calibration).Model;
        }

        return new EarlyExitScoringTransformer(model, options.FeatureColumnName, label.Values, options.InferenceBatchSize);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var keyValueType = LabelColumn.CheckShape(inputSchema, options.LabelColumnName, nameof(inputSchema));
        FeatureColumn.CheckShape(inputSchema, options.FeatureColumnName, nameof(inputSchema));
        int k = options.ExitClasses?.ClassCount ?? options.Architecture?.Classes ?? 2;
        return SchemaShapes.Append(inputSchema, EarlyExitScoringTransformer.OutputColumns(ClassValues.Placeholder(keyValueType, k), [string.Empty], [0], 0));
    }

    /// <summary>
    /// The architecture for <paramref name="features"/> and <paramref name="classes"/> classes: the default one sized
    /// from the data, or <paramref name="spec"/> after checking that its input takes the features (an image network also
    /// takes a flat vector of the same size) and that it has <paramref name="classes"/> classes.
    /// </summary>
    private static NetworkSpec Retarget(NetworkSpec? spec, FeatureColumn features, int classes, string labelColumn)
    {
        var type = features.Type;
        var dims = type.Dimensions;
        bool image = dims.Length == 3 && dims[1] == dims[2];
        if (spec is null)
        {
            return image ? NetworkSpec.ResNet(20, [7, 13, 20], dims[0], dims[1], classes) : NetworkSpec.Mlp(type.Size, [256, 128, 64], classes);
        }

        var shape = spec.InputShape;
        int size = shape.Aggregate(1, (a, d) => a * d);
        bool fits = type.Size == size && (dims.Length == 1 || shape.Count == 1 || dims.SequenceEqual(shape));
        if (!fits)
        {
            throw SchemaErrors.Mismatch("input", "features", features.Column.Name, $"Vector<Single, {string.Join(", ", shape)}> (the input of {spec})", type.ToString()!);
        }

        if (spec.Classes != classes)
        {
            throw new ArgumentOutOfRangeException("options", $"The architecture ({spec}) has {spec.Classes} classes but label column '{labelColumn}' is a key over {classes}.");
        }

        return spec;
    }
}
