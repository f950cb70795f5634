namespace ClassyNet.MLNet.Inference;

/// <summary>How <see cref="ThresholdCalibrator"/> searched the per-exit candidate grids.</summary>
public enum ThresholdSearch
{
    /// <summary>Every combination of the per-exit candidates was evaluated; the result is the optimum over the grid.</summary>
    Exhaustive,

    /// <summary>
    /// Coordinate descent: starting from all early exits disabled, each pass sweeps one exit's candidates with the
    /// others fixed and keeps the best; passes repeat until nothing changes. A local optimum of the grid.
    /// </summary>
    CoordinateDescent,
}
