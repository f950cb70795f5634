using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using Microsoft.ML;

namespace ClassyNet.MLNet;

/// <summary>
/// ClassyNet on ML.NET's catalogs: <c>mlContext.Transforms.ClassyNet</c> and the
/// <c>mlContext.MulticlassClassification.Trainers.ClassyNet(...)</c> / <c>.BranchyNet(...)</c> trainers.
/// </summary>
public static class ClassyNetCatalog
{
    /// <summary>The ClassyNet transforms of ML.NET's transforms catalog.</summary>
    extension(TransformsCatalog catalog)
    {
        /// <summary><c>mlContext.Transforms.ClassyNet</c>: ClassyNet-specific transforms (<c>MapBagOfClasses</c>).</summary>
        public ClassyNetTransformsCatalog ClassyNet => ClassyNetTransformsCatalog.Instance;
    }

    /// <summary>
    /// A ClassyNet trainer: a multi-exit network trained with Bag-of-Classes exits (and cost matrices when given) that
    /// scores with early exit.
    /// </summary>
    /// <param name="catalog">The trainers catalog.</param>
    /// <param name="exitClasses">Class sets of the exits, in the label's values (e.g. <c>ExitClassSets.Incremental([[9], [8]], 10)</c>).</param>
    /// <param name="labelColumnName">The label column, a Key&lt;UInt32&gt; (from MapValueToKey). Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The features column (known-size Vector&lt;Single&gt;). Default <c>"Features"</c>.</param>
    /// <param name="architecture">The architecture; default null: ResNet-20 with exits after layers 7, 13, 20 for images, else an MLP.</param>
    /// <param name="exitThresholds">Entropy thresholds of the early exits; default null: 0.5 each.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    /// <param name="batchSize">Samples per step. Default 64.</param>
    /// <param name="learningRate">Adam learning rate. Default 0.001.</param>
    public static ClassyNetTrainer ClassyNet(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        ExitClassSets exitClasses,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        NetworkSpec? architecture = null,
        IReadOnlyList<float>? exitThresholds = null,
        int epochs = 10,
        int batchSize = 64,
        double learningRate = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(exitClasses);
        return catalog.ClassyNet(new ClassyNetTrainer.Options
        {
            ExitClasses = exitClasses,
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Architecture = architecture,
            ExitThresholds = exitThresholds,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
        });
    }

    /// <summary>A ClassyNet trainer with every option (see <see cref="ClassyNetTrainer.Options"/> for the defaults).</summary>
    public static ClassyNetTrainer ClassyNet(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, ClassyNetTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        string mode = options.ExitClasses is not { UsesBagOfClasses: true } ? "branchynet" : options.CostMatrices is null ? "cn" : "cn+c";
        return new ClassyNetTrainer(options, mode);
    }

    /// <summary>
    /// A BranchyNet trainer: every exit answers for every class, plain cross-entropy (no bag, no cost matrices); scores
    /// with entropy-based early exit.
    /// </summary>
    /// <param name="catalog">The trainers catalog.</param>
    /// <param name="labelColumnName">The label column, a Key&lt;UInt32&gt; (from MapValueToKey). Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The features column (known-size Vector&lt;Single&gt;). Default <c>"Features"</c>.</param>
    /// <param name="architecture">The architecture; default null: ResNet-20 with exits after layers 7, 13, 20 for images, else an MLP.</param>
    /// <param name="exitThresholds">Entropy thresholds of the early exits; default null: 0.5 each.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    /// <param name="batchSize">Samples per step. Default 64.</param>
    /// <param name="learningRate">Adam learning rate. Default 0.001.</param>
    public static ClassyNetTrainer BranchyNet(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        NetworkSpec? architecture = null,
        IReadOnlyList<float>? exitThresholds = null,
        int epochs = 10,
        int batchSize = 64,
        double learningRate = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.BranchyNet(new ClassyNetTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Architecture = architecture,
            ExitThresholds = exitThresholds,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
        });
    }

    /// <summary>
    /// A BranchyNet trainer with every option; <see cref="ClassyNetTrainer.Options.ExitClasses"/> and
    /// <see cref="ClassyNetTrainer.Options.CostMatrices"/> must be left null (all classes at every exit, plain cross-entropy).
    /// </summary>
    public static ClassyNetTrainer BranchyNet(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, ClassyNetTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ExitClasses is { Scheme: not ExitClassScheme.AllClasses } || options.CostMatrices is not null)
        {
            throw new ArgumentException("BranchyNet answers for all classes at every exit with plain cross-entropy: leave ExitClasses and CostMatrices null (use ClassyNet(...) for class-aware exits).", nameof(options));
        }

        return new ClassyNetTrainer(options, "branchynet");
    }
}
