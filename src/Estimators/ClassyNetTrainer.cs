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
/// <para>Features are a known-size Vector&lt;Single&gt;; images keep their [C, H, W] dimensions (ML.NET's <c>ExtractPixels</c>
/// output has them), from which an unsized or default architecture is sized; a flat vector takes its image shape from
/// <see cref="Options.ImageShape"/>. NaN or infinite features
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
        var spec = Retarget(options.Architecture, features, options.ImageShape, k, options.LabelColumnName);
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
        int k = options.ExitClasses?.ClassCount ?? (options.Architecture is { IsSized: true } a ? a.Classes : 2);
        return SchemaShapes.Append(inputSchema, EarlyExitScoringTransformer.OutputColumns(ClassValues.Placeholder(keyValueType, k), [string.Empty], [0], 0));
    }

    /// <summary>
    /// The architecture for <paramref name="features"/> and <paramref name="classes"/> classes: the default one or an
    /// unsized <paramref name="spec"/> sized from the data, or a sized <paramref name="spec"/> after checking that its
    /// input takes the features (an image network also takes a flat vector of the same size) and that it has
    /// <paramref name="classes"/> classes.
    /// </summary>
    private static NetworkSpec Retarget(NetworkSpec? spec, FeatureColumn features, IReadOnlyList<int>? imageShape, int classes, string labelColumn)
    {
        var type = features.Type;
        var shape = SampleShape(features, imageShape);
        if (spec is null)
        {
            if (shape.Length != 3)
            {
                return NetworkSpec.Mlp(type.Size, [256, 128, 64], classes);
            }

            CheckSquare(features, shape, "the default architecture (ResNet-20)");
            return NetworkSpec.ResNet(20, [7, 13, 20], shape[0], shape[1], classes);
        }

        if (!spec.IsSized)
        {
            if (spec.Kind != NetworkKind.Mlp && shape.Length != 3)
            {
                throw SchemaErrors.Mismatch("input", "features", features.Column.Name, $"image features [C, H, W] to size the {NetworkSpec.KindName(spec.Kind)} from", type.ToString()!,
                    $"A flat vector has no image shape: keep the dimensions of ML.NET's ExtractPixels (or declare [VectorType(C, H, W)]), or give the shape with {nameof(ClassyNetTrainer)}.{nameof(Options)}.{nameof(Options.ImageShape)}.");
            }

            if (spec.Kind != NetworkKind.Mlp)
            {
                CheckSquare(features, shape, spec.ToString());
            }

            return spec.SizedFor(shape, classes);
        }

        var input = spec.InputShape;
        var dims = type.Dimensions;
        bool fits = type.Size == input.Aggregate(1, (a, d) => a * d) && (dims.Length == 1 || input.Count == 1 || dims.SequenceEqual(input));
        if (!fits)
        {
            throw SchemaErrors.Mismatch("input", "features", features.Column.Name, $"Vector<Single, {string.Join(", ", input)}> (the input of {spec})", type.ToString()!,
                "Give the architecture without sizes (e.g. NetworkSpec.ResNet(depth, exitsAfterLayer)) to size it from the data.");
        }

        if (spec.Classes != classes)
        {
            throw new ArgumentOutOfRangeException("options", $"The architecture ({spec}) has {spec.Classes} classes but label column '{labelColumn}' is a key over {classes}.");
        }

        return spec;
    }

    /// <summary>
    /// One sample's shape: <paramref name="imageShape"/> when given (checked against the column), else the column's
    /// [C, H, W] dimensions, else [size] (a flat vector).
    /// </summary>
    private static int[] SampleShape(FeatureColumn features, IReadOnlyList<int>? imageShape)
    {
        var type = features.Type;
        var dims = type.Dimensions;
        if (imageShape is null)
        {
            return dims.Length == 3 ? [.. dims] : [type.Size];
        }

        string given = $"[{string.Join(", ", imageShape)}]";
        if (imageShape.Count != 3 || imageShape.Any(d => d < 1))
        {
            throw new ArgumentOutOfRangeException("options.ImageShape", $"ImageShape {given} must be [C, H, W] with positive dimensions.");
        }

        long size = imageShape.Aggregate(1L, (a, d) => a * d);
        if (size != type.Size || (dims.Length == 3 && !dims.SequenceEqual(imageShape)))
        {
            throw new ArgumentOutOfRangeException("options.ImageShape", $"ImageShape {given} ({size} values) does not fit features column '{features.Column.Name}' ({type}).");
        }

        return [.. imageShape];
    }

    /// <summary>Refuses image features that are not square (or too small), naming the column and what to change.</summary>
    private static void CheckSquare(FeatureColumn features, int[] shape, string network)
    {
        if (shape[1] == shape[2] && shape[1] >= 4)
        {
            return;
        }

        throw SchemaErrors.Mismatch("input", "features", features.Column.Name, $"square images [C, H, H] with H >= 4 for {network}", $"{features.Type} read as [{string.Join(", ", shape)}]",
            "ClassyNet reads image features as [C, H, W] (ExtractPixels' default layout, not interleavePixelColors: true); resize to a square with ResizeImages(imageWidth: N, imageHeight: N), or set Options.Architecture (an MLP takes any shape).");
    }
}
