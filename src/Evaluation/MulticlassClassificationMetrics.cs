namespace ClassyNet.MLNet.Evaluation;

/// <summary>
/// Multiclass metrics with ML.NET's definitions (<c>ml.MulticlassClassification.Evaluate</c>): micro and macro
/// accuracy, log-loss and its reduction over the label prior, per-class log-loss, top-K accuracy and the confusion
/// matrix. Rows with a missing label are not counted.
/// </summary>
public sealed class MulticlassClassificationMetrics
{
    internal MulticlassClassificationMetrics(double microAccuracy, double macroAccuracy, double logLoss, double logLossReduction, int topKPredictionCount, IReadOnlyList<double>? topKAccuracyForAllK, IReadOnlyList<double> perClassLogLoss, ConfusionMatrix confusionMatrix)
    {
        MicroAccuracy = microAccuracy;
        MacroAccuracy = macroAccuracy;
        LogLoss = logLoss;
        LogLossReduction = logLossReduction;
        TopKPredictionCount = topKPredictionCount;
        TopKAccuracyForAllK = topKAccuracyForAllK;
        PerClassLogLoss = perClassLogLoss;
        ConfusionMatrix = confusionMatrix;
    }

    /// <summary>Share of instances predicted correctly.</summary>
    public double MicroAccuracy { get; }

    /// <summary>Mean over the classes present in the labels of each class's accuracy (its recall).</summary>
    public double MacroAccuracy { get; }

    /// <summary>Mean of -ln(p) over instances, p the score of the true class (clamped below at 1e-15).</summary>
    public double LogLoss { get; }

    /// <summary>(LL(prior) - LL) / LL(prior), LL(prior) the log-loss of always predicting the label distribution; in (-inf, 1].</summary>
    public double LogLossReduction { get; }

    /// <summary>Mean log-loss of the instances of each class (0 for a class without instances).</summary>
    public IReadOnlyList<double> PerClassLogLoss { get; }

    /// <summary>The K of <see cref="TopKAccuracy"/> (0 when not asked for).</summary>
    public int TopKPredictionCount { get; }

    /// <summary>Share of instances whose true class is among the <see cref="TopKPredictionCount"/> highest scores (0 when not asked for).</summary>
    public double TopKAccuracy => TopKAccuracyForAllK is { Count: > 0 } all ? all[^1] : 0;

    /// <summary>Top-k accuracy for k = 1 .. <see cref="TopKPredictionCount"/>, or null when not asked for.</summary>
    public IReadOnlyList<double>? TopKAccuracyForAllK { get; }

    /// <summary>Predicted versus actual counts.</summary>
    public ConfusionMatrix ConfusionMatrix { get; }
}
