using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Training;

namespace ClassyNet.MLNet.Estimators;

/// <content>The options type.</content>
public sealed partial class ClassyNetTrainer
{
    /// <summary>
    /// The options of <see cref="ClassyNetTrainer"/>, with ML.NET-style documented defaults. Class sets are given in the
    /// label's values (class 9 is the label value 9, whatever key MapValueToKey gave it).
    /// </summary>
    public sealed class Options
    {
        /// <summary>The seed used when <see cref="Seed"/> is null.</summary>
        public const int DefaultSeed = 1;

        /// <summary>The label column: a Key&lt;UInt32&gt; (from MapValueToKey); class sets are matched through its KeyValues. Default <c>"Label"</c>.</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>The features column: a known-size Vector&lt;Single&gt; of the network's input size. Default <c>"Features"</c>.</summary>
        public string FeatureColumnName { get; set; } = "Features";

        /// <summary>
        /// The architecture. Unsized (<c>NetworkSpec.ResNet(20, exitsAfterLayer: [7, 13, 20])</c>,
        /// <c>NetworkSpec.Mlp(widths: [256, 128, 64])</c>, <c>NetworkSpec.AlexNet()</c>): sized from the data, the image
        /// networks from the features' [C, H, W] (the dimensions of ML.NET's <c>ExtractPixels</c> output, or
        /// <see cref="ImageShape"/> for a flat vector) and every kind from the label's class count. Sized
        /// (<c>NetworkSpec.ResNet(20, [7, 13, 20], inChannels: 1, imageSize: 28, classes: 10)</c>): its input must take
        /// the features column (same [C, H, W], or a flat vector of the same size) and its class count must be the
        /// label's. Either way its exit outputs are set from <see cref="ExitClasses"/>. Default null: a ResNet-20 with
        /// exits after layers 7, 13 and 20 for [C, H, H] image features, else an MLP with stages of 256, 128 and 64 units.
        /// </summary>
        public NetworkSpec? Architecture { get; set; }

        /// <summary>
        /// The image shape [C, H, W] of a features column that is a flat vector (from a text loader, <c>Concatenate</c>
        /// or a <c>float[]</c> without <c>VectorType(C, H, W)</c>), so that an image network can be sized from it; must
        /// hold as many values as the column, and agree with its dimensions when it has [C, H, W]. Default null: the
        /// column's own dimensions (ML.NET's <c>ExtractPixels</c> gives [C, H, W]).
        /// </summary>
        public IReadOnlyList<int>? ImageShape { get; set; }

        /// <summary>Class sets S_1..S_M of the exits (MC or IC, with or without the bag), in the label's values. Default null: every exit answers for every class (BranchyNet).</summary>
        public ExitClassSets? ExitClasses { get; set; }

        /// <summary>Cost matrices of eq. 9 (e.g. <c>CostMatrices.Targeted(0.5f, 2f, 1f, 1f)</c>). Default null: plain cross-entropy.</summary>
        public CostMatrices? CostMatrices { get; set; }

        /// <summary>Loss weight w_m of each exit (eq. 10). Default null: 1/M each.</summary>
        public IReadOnlyList<float>? ExitLossWeights { get; set; }

        /// <summary>Entropy thresholds T_1..T_(M-1) of the early exits (Algorithm 1). Default null: 0.5 nats at every early exit.</summary>
        public IReadOnlyList<float>? ExitThresholds { get; set; }

        /// <summary>The exit test. Default <see cref="ExitPolicy.Entropy"/>.</summary>
        public ExitPolicy ExitPolicy { get; set; } = ExitPolicy.Entropy;

        /// <summary>Zero the loss at later exits for samples an earlier exit already answers (needs thresholds). Default false.</summary>
        public bool InstanceMasking { get; set; }

        /// <summary>Passes over the training data. Default 10.</summary>
        public int Epochs { get; set; } = 10;

        /// <summary>Samples per training step. Default 64.</summary>
        public int BatchSize { get; set; } = 64;

        /// <summary>Adam learning rate. Default 0.001.</summary>
        public double LearningRate { get; set; } = 1e-3;

        /// <summary>Adam weight decay. Default 0.</summary>
        public double WeightDecay { get; set; }

        /// <summary>Shuffle the training rows every epoch (a seeded cursor when the view can shuffle, else a seeded shuffle of blocks of rows). Default true.</summary>
        public bool Shuffle { get; set; } = true;

        /// <summary>
        /// Seed of weight initialisation, shuffling and the validation split. Default null: <see cref="DefaultSeed"/> (a
        /// trainer created from a catalog cannot read the <c>MLContext</c>'s seed through ML.NET's public API, so runs are
        /// reproducible whatever the context's seed; set this to vary them).
        /// </summary>
        public int? Seed { get; set; }

        /// <summary>Share of rows held out for validation metrics and threshold calibration, in [0, 1). Default 0.</summary>
        public float ValidationFraction { get; set; }

        /// <summary>
        /// When set, the thresholds are calibrated on the held-out rows after training (<see cref="ClassyNetModel.Recalibrate"/>)
        /// to these targets; needs <see cref="ValidationFraction"/> &gt; 0. Default null: keep <see cref="ExitThresholds"/>.
        /// </summary>
        public ThresholdCalibrationOptions? CalibrateThresholds { get; set; }

        /// <summary>Rows per batch when the fitted transformer scores a data view (batched early exit). Default 256.</summary>
        public int InferenceBatchSize { get; set; } = 256;

        /// <summary>Receives progress after every training step. Default null.</summary>
        public IProgress<TrainingProgress>? Progress { get; set; }

        /// <summary>A copy (the trainer keeps its own).</summary>
        internal Options Clone() => (Options)MemberwiseClone();
    }
}
