using ClassyNet.MLNet.Inference;

namespace ClassyNet.MLNet.Evaluation;

/// <summary>
/// Metrics of an early-exit run against the true labels: accuracy, confusion matrix, where each class left the network
/// (counts and rates per class and exit), per-class recall and average multiply-accumulates.
/// </summary>
public sealed class EarlyExitEvaluation
{
    private readonly int[,] _confusion;
    private readonly int[,] _exitCounts;
    private readonly int[] _classCounts;
    private readonly double[] _classMacs;

    private EarlyExitEvaluation(int classCount, int exitCount, int[,] confusion, int[,] exitCounts, int[] classCounts, double[] classMacs, double averageMacs, int correct)
    {
        ClassCount = classCount;
        ExitCount = exitCount;
        _confusion = confusion;
        _exitCounts = exitCounts;
        _classCounts = classCounts;
        _classMacs = classMacs;
        AverageMacs = averageMacs;
        Count = classCounts.Sum();
        Accuracy = Count == 0 ? 0 : (double)correct / Count;
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Number of classes K.</summary>
    public int ClassCount { get; }

    /// <summary>Number of exits M.</summary>
    public int ExitCount { get; }

    /// <summary>Fraction of samples predicted correctly.</summary>
    public double Accuracy { get; }

    /// <summary>Mean multiply-accumulates per sample.</summary>
    public double AverageMacs { get; }

    /// <summary>Samples per true class.</summary>
    public IReadOnlyList<int> ClassCounts => _classCounts;

    /// <summary>Compares <paramref name="labels"/> (true classes in [0, <paramref name="classCount"/>)) with the run's predictions.</summary>
    public static EarlyExitEvaluation Compute(IReadOnlyList<int> labels, EarlyExitBatchResult result, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(result);
        if (labels.Count != result.Count)
        {
            throw new ArgumentException($"labels has {labels.Count} entries but the run has {result.Count} predictions.", nameof(labels));
        }

        return Compute(labels, i => (result.Predictions[i].PredictedClass, result.Predictions[i].Exit, result.Predictions[i].Macs), classCount, result.ExitCount);
    }

    /// <summary>
    /// Compares <paramref name="labels"/> with predicted classes <paramref name="predicted"/> made at exits
    /// <paramref name="exits"/>, where a sample leaving at exit m ran <paramref name="exitMacs"/>[m] multiply-accumulates.
    /// </summary>
    public static EarlyExitEvaluation Compute(IReadOnlyList<int> labels, IReadOnlyList<int> predicted, IReadOnlyList<int> exits, IReadOnlyList<double> exitMacs, int classCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(exits);
        ArgumentNullException.ThrowIfNull(exitMacs);
        if (predicted.Count != labels.Count || exits.Count != labels.Count)
        {
            throw new ArgumentException($"labels has {labels.Count} entries, predicted {predicted.Count} and exits {exits.Count}; they must match.", nameof(labels));
        }

        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)predicted[i] >= (uint)classCount || (uint)exits[i] >= (uint)exitMacs.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(predicted), $"Sample {i} is predicted as class {predicted[i]} at exit {exits[i]}; classes are [0, {classCount}) and exits [0, {exitMacs.Count}).");
            }
        }

        return Compute(labels, i => (predicted[i], exits[i], exitMacs[exits[i]]), classCount, exitMacs.Count);
    }

    private static EarlyExitEvaluation Compute(IReadOnlyList<int> labels, Func<int, (int Predicted, int Exit, double Macs)> prediction, int classCount, int exitCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        var confusion = new int[classCount, classCount];
        var exits = new int[classCount, exitCount];
        var counts = new int[classCount];
        var macs = new double[classCount];
        double totalMacs = 0;
        int correct = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            int y = labels[i];
            if ((uint)y >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), y, $"labels[{i}] = {y} is outside [0, {classCount}).");
            }

            var p = prediction(i);
            confusion[y, p.Predicted]++;
            exits[y, p.Exit]++;
            counts[y]++;
            macs[y] += p.Macs;
            totalMacs += p.Macs;
            correct += p.Predicted == y ? 1 : 0;
        }

        for (int k = 0; k < classCount; k++)
        {
            macs[k] = counts[k] == 0 ? double.NaN : macs[k] / counts[k];
        }

        return new EarlyExitEvaluation(classCount, exitCount, confusion, exits, counts, macs, labels.Count == 0 ? 0 : totalMacs / labels.Count, correct);
    }

    /// <summary>Samples of true class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public int Confusion(int actual, int predicted) => _confusion[actual, predicted];

    /// <summary>The confusion matrix as rows (true class) of columns (predicted class).</summary>
    public int[][] ConfusionMatrix() => Rows(_confusion);

    /// <summary>Samples of true class <paramref name="cls"/> that left at exit <paramref name="exit"/>.</summary>
    public int ExitCountOf(int cls, int exit) => _exitCounts[cls, exit];

    /// <summary>Counts [class, exit] of samples leaving at each exit (the input of <c>ExitDistributionFigure</c>).</summary>
    public int[,] ExitCounts() => (int[,])_exitCounts.Clone();

    /// <summary>Counts as rows (class) of columns (exit).</summary>
    public int[][] ExitCountRows() => Rows(_exitCounts);

    /// <summary>Fraction of class <paramref name="cls"/>'s samples that left at exit <paramref name="exit"/> (0 when the class has none).</summary>
    public double ExitRate(int cls, int exit) => _classCounts[cls] == 0 ? 0 : (double)_exitCounts[cls, exit] / _classCounts[cls];

    /// <summary>Fraction of all samples leaving at each exit.</summary>
    public double[] ExitRates() => Enumerable.Range(0, ExitCount)
        .Select(e => Count == 0 ? 0 : Enumerable.Range(0, ClassCount).Sum(k => _exitCounts[k, e]) / (double)Count).ToArray();

    /// <summary>Recall of each class (correct / samples of the class; NaN for a class without samples).</summary>
    public double[] ClassRecall() => Enumerable.Range(0, ClassCount)
        .Select(k => _classCounts[k] == 0 ? double.NaN : (double)_confusion[k, k] / _classCounts[k]).ToArray();

    /// <summary>Mean multiply-accumulates of each class's samples (NaN for a class without samples).</summary>
    public IReadOnlyList<double> ClassAverageMacs => _classMacs;

    private static int[][] Rows(int[,] matrix) => Enumerable.Range(0, matrix.GetLength(0))
        .Select(r => Enumerable.Range(0, matrix.GetLength(1)).Select(c => matrix[r, c]).ToArray()).ToArray();
}
