namespace ClassyNet.QuickStart;

/// <summary>Sizes and training settings of <see cref="QuickStartDemo"/>; the defaults are the README's run.</summary>
public sealed record QuickStartSettings
{
    /// <summary>Training points (3 % label noise). Default 4,000.</summary>
    public int TrainCount { get; init; } = 4000;

    /// <summary>Validation points the thresholds are chosen on (3 % label noise, another seed). Default 1,000.</summary>
    public int ValidationCount { get; init; } = 1000;

    /// <summary>Test points (no label noise). Default 2,000.</summary>
    public int TestCount { get; init; } = 2000;

    /// <summary>Training epochs. Default 40.</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>
    /// The calibration constraint: overall accuracy on the validation points at most this far (a fraction) below the
    /// final exit's, with the fewest MACs. Default 0.01 (one point).
    /// </summary>
    public double MaxAccuracyDrop { get; init; } = 0.01;

    /// <summary>Entropy thresholds used during training (instance masking is off, so they only shape the metrics). Default 0.3, 0.3.</summary>
    public IReadOnlyList<float> TrainingThresholds { get; init; } = [0.3f, 0.3f];
}
