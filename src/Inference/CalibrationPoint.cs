namespace ClassyNet.MLNet.Inference;

/// <summary>One threshold vector evaluated by <see cref="ThresholdCalibrator"/> on the calibration set.</summary>
/// <param name="Thresholds">T_1..T_(M-1).</param>
/// <param name="Accuracy">Accuracy with these thresholds.</param>
/// <param name="AverageMacs">Mean early-exit MACs per sample.</param>
/// <param name="Feasible">True when the calibration constraints hold.</param>
public sealed record CalibrationPoint(IReadOnlyList<float> Thresholds, double Accuracy, double AverageMacs, bool Feasible);
