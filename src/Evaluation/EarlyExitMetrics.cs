namespace ClassyNet.MLNet.Evaluation;

/// <summary>
/// Where samples left an early-exit network, per exit and class (<c>ml.MulticlassClassification.EvaluateExits</c>):
/// counts, exit rates, exit precision (the share of a exit's samples that belong to its class set S_m), per-class mean
/// exit and multiply-accumulates, and the speedup over running the full network. Classes are in key order (index i =
/// key i + 1), named by <see cref="ClassNames"/>.
/// </summary>
public sealed class EarlyExitMetrics
{
    private readonly int[][] counts;

    internal EarlyExitMetrics(EarlyExitEvaluation evaluation, IReadOnlyList<IReadOnlyList<int>> exitClasses, IReadOnlyList<string> classNames, IReadOnlyList<double> exitMacs, double fullNetworkMacs)
    {
        Evaluation = evaluation;
        ExitClasses = exitClasses;
        ClassNames = classNames;
        ExitMacs = exitMacs;
        FullNetworkMacs = fullNetworkMacs;
        int exits = evaluation.ExitCount, k = evaluation.ClassCount;
        counts = [.. Enumerable.Range(0, exits).Select(m => Enumerable.Range(0, k).Select(c => evaluation.ExitCountOf(c, m)).ToArray())];
        ExitRates = evaluation.ExitRates();
        ExitPrecision = [.. Enumerable.Range(0, exits).Select(m =>
        {
            int total = counts[m].Sum();
            return total == 0 ? double.NaN : (double)exitClasses[m].Sum(c => counts[m][c]) / total;
        })];
        PerClassAverageExit = [.. Enumerable.Range(0, k).Select(c =>
        {
            int n = evaluation.ClassCounts[c];
            return n == 0 ? double.NaN : Enumerable.Range(0, exits).Sum(m => (double)m * counts[m][c]) / n;
        })];
    }

    /// <summary>Number of scored samples with a label.</summary>
    public int Count => Evaluation.Count;

    /// <summary>Number of exits M.</summary>
    public int ExitCount => Evaluation.ExitCount;

    /// <summary>Number of classes K.</summary>
    public int ClassCount => Evaluation.ClassCount;

    /// <summary>Name of each class (the Score column's SlotNames, else the class index).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Class indices of S_m for each exit m (the final exit lists every class).</summary>
    public IReadOnlyList<IReadOnlyList<int>> ExitClasses { get; }

    /// <summary>Share of samples predicted correctly.</summary>
    public double Accuracy => Evaluation.Accuracy;

    /// <summary>Samples leaving at each exit per class: <c>Counts[exit][class]</c>.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Counts => counts;

    /// <summary>Share of all samples leaving at each exit.</summary>
    public IReadOnlyList<double> ExitRates { get; }

    /// <summary>Share of the samples leaving at each exit whose true class is in that exit's set S_m (NaN when none left there).</summary>
    public IReadOnlyList<double> ExitPrecision { get; }

    /// <summary>Mean 0-based exit index of each class's samples (NaN for a class without samples).</summary>
    public IReadOnlyList<double> PerClassAverageExit { get; }

    /// <summary>Mean multiply-accumulates of each class's samples (NaN for a class without samples).</summary>
    public IReadOnlyList<double> PerClassAverageMacs => Evaluation.ClassAverageMacs;

    /// <summary>Multiply-accumulates of a sample that leaves at each exit (stages and heads up to it).</summary>
    public IReadOnlyList<double> ExitMacs { get; }

    /// <summary>Mean multiply-accumulates per sample.</summary>
    public double AverageMacs => Evaluation.AverageMacs;

    /// <summary>Multiply-accumulates of the full network without early exits (all stages and the final head).</summary>
    public double FullNetworkMacs { get; }

    /// <summary><see cref="FullNetworkMacs"/> / <see cref="AverageMacs"/>: how many times less compute early exit needs.</summary>
    public double Speedup => AverageMacs > 0 ? FullNetworkMacs / AverageMacs : double.NaN;

    /// <summary>The underlying evaluation (confusion matrix, exit counts for <c>ExitDistributionFigure</c>).</summary>
    public EarlyExitEvaluation Evaluation { get; }
}
