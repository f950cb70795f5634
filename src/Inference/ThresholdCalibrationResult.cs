namespace ClassyNet.MLNet.Inference;

/// <summary>Thresholds chosen by <see cref="ThresholdCalibrator"/> and what they give on the calibration set.</summary>
public sealed class ThresholdCalibrationResult
{
    internal ThresholdCalibrationResult(EarlyExitSimulation simulation, double finalExitAccuracy, long fullMacs, bool constraintsSatisfied, ThresholdSearch search, int candidatesEvaluated, IReadOnlyList<CalibrationPoint> paretoFront)
    {
        Simulation = simulation;
        FinalExitAccuracy = finalExitAccuracy;
        FullNetworkMacs = fullMacs;
        ConstraintsSatisfied = constraintsSatisfied;
        Search = search;
        CandidatesEvaluated = candidatesEvaluated;
        ParetoFront = paretoFront;
    }

    /// <summary>The exit test the thresholds are for.</summary>
    public ExitPolicy Policy => Simulation.Policy;

    /// <summary>Chosen thresholds T_1..T_(M-1), ready for <see cref="EarlyExitPredictor"/>.</summary>
    public IReadOnlyList<float> Thresholds => Simulation.Thresholds;

    /// <summary>Accuracy on the calibration set with <see cref="Thresholds"/>.</summary>
    public double Accuracy => Simulation.Accuracy;

    /// <summary>Accuracy of the final exit alone (every sample through the whole network).</summary>
    public double FinalExitAccuracy { get; }

    /// <summary>Mean MACs per sample with <see cref="Thresholds"/>.</summary>
    public double AverageMacs => Simulation.AverageMacs;

    /// <summary>MACs per sample when every sample runs to the final exit (all stages and heads; no early exit).</summary>
    public long FullNetworkMacs { get; }

    /// <summary>Fraction of samples leaving at each exit.</summary>
    public IReadOnlyList<double> ExitRates => Simulation.ExitRates;

    /// <summary>[class][exit] exit rates per true class.</summary>
    public IReadOnlyList<IReadOnlyList<double>> ClassExitRates => Simulation.ClassExitRates;

    /// <summary>Full replay of the chosen thresholds on the calibration set.</summary>
    public EarlyExitSimulation Simulation { get; }

    /// <summary>
    /// True when the constraints hold. When no evaluated candidate satisfies them (possible with recall floors), the
    /// candidate with the smallest violation is returned and this is false.
    /// </summary>
    public bool ConstraintsSatisfied { get; }

    /// <summary>How the grid was searched.</summary>
    public ThresholdSearch Search { get; }

    /// <summary>Number of threshold vectors evaluated.</summary>
    public int CandidatesEvaluated { get; }

    /// <summary>
    /// Non-dominated evaluated candidates (feasible or not), by increasing average MACs and strictly increasing accuracy:
    /// no other evaluated candidate is at least as accurate for fewer MACs.
    /// </summary>
    public IReadOnlyList<CalibrationPoint> ParetoFront { get; }
}
