namespace ClassyNet.MLNet.Inference;

/// <summary>Constraints and search settings of <see cref="ThresholdCalibrator.Calibrate"/>. At least one constraint is required.</summary>
public sealed class ThresholdCalibrationOptions
{
    /// <summary>
    /// Accuracy constraint: overall accuracy must be at least the final exit's accuracy minus this (a fraction, &gt;= 0,
    /// e.g. 0.01 for one point). Null: no accuracy constraint. Default null.
    /// </summary>
    public double? MaxAccuracyDrop { get; init; }

    /// <summary>
    /// Recall constraints: for each listed class (in [0, K)), its recall must be at least the given floor (in [0, 1]).
    /// Null or empty: none. Default null.
    /// </summary>
    public IReadOnlyDictionary<int, double>? MinimumRecall { get; init; }

    /// <summary>
    /// Candidate thresholds per early exit besides "disabled": quantiles of the exit's scores over the samples whose
    /// argmax is not the bag, each placed so exactly the samples up to that quantile pass. Default 32.
    /// </summary>
    public int CandidatesPerExit { get; init; } = 32;

    /// <summary>
    /// Largest number of threshold combinations searched exhaustively; beyond it the search is coordinate descent
    /// (<see cref="ThresholdSearch"/>). Default 20,000 (M = 3 with 32 candidates per exit is exhaustive).
    /// </summary>
    public int MaxExhaustiveCombinations { get; init; } = 20_000;

    /// <summary>Most coordinate-descent passes over the early exits. Default 8.</summary>
    public int MaxCoordinatePasses { get; init; } = 8;
}
