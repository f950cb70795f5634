namespace ClassyNet.MLNet.Inference;

/// <summary>
/// Early exit replayed on an <see cref="ExitScoreCache"/> for given thresholds: the exit and prediction each sample
/// would get from <see cref="EarlyExitPredictor"/>, with accuracy, average MACs and per-class rates.
/// </summary>
public sealed class EarlyExitSimulation
{
    private readonly int[] _exits;
    private readonly int[] _predicted;
    private readonly double[] _exitRates;
    private readonly double[][] _classExitRates;
    private readonly double[] _classRecall;
    private readonly Func<int, int, bool> _argmaxIsBag;

    internal EarlyExitSimulation(ExitPolicy policy, float[] thresholds, int[] exits, int[] predicted, IReadOnlyList<int> labels, IReadOnlyList<long> exitMacs, int classCount, Func<int, int, bool> argmaxIsBag)
    {
        _argmaxIsBag = argmaxIsBag;
        Policy = policy;
        Thresholds = thresholds;
        _exits = exits;
        _predicted = predicted;
        int n = exits.Length, exitCount = exitMacs.Count;
        var perClass = new int[classCount];
        var perClassExit = new int[classCount, exitCount];
        var perClassCorrect = new int[classCount];
        var perExit = new int[exitCount];
        long correct = 0, macs = 0;
        for (int i = 0; i < n; i++)
        {
            int y = labels[i];
            perClass[y]++;
            perClassExit[y, exits[i]]++;
            perExit[exits[i]]++;
            macs += exitMacs[exits[i]];
            if (predicted[i] == y)
            {
                correct++;
                perClassCorrect[y]++;
            }
        }

        Accuracy = n == 0 ? 0 : (double)correct / n;
        AverageMacs = n == 0 ? 0 : (double)macs / n;
        _exitRates = perExit.Select(c => n == 0 ? 0 : (double)c / n).ToArray();
        _classExitRates = new double[classCount][];
        _classRecall = new double[classCount];
        for (int c = 0; c < classCount; c++)
        {
            _classExitRates[c] = new double[exitCount];
            for (int m = 0; m < exitCount; m++)
            {
                _classExitRates[c][m] = perClass[c] == 0 ? double.NaN : (double)perClassExit[c, m] / perClass[c];
            }

            _classRecall[c] = perClass[c] == 0 ? double.NaN : (double)perClassCorrect[c] / perClass[c];
        }
    }

    /// <summary>The exit test simulated.</summary>
    public ExitPolicy Policy { get; }

    /// <summary>Thresholds T_1..T_(M-1) simulated.</summary>
    public IReadOnlyList<float> Thresholds { get; }

    /// <summary>Exit each sample leaves at, in cache order.</summary>
    public IReadOnlyList<int> Exits => _exits;

    /// <summary>Predicted original class of each sample, in cache order.</summary>
    public IReadOnlyList<int> PredictedClasses => _predicted;

    /// <summary>Fraction of samples whose prediction equals the label.</summary>
    public double Accuracy { get; }

    /// <summary>Mean early-exit MACs per sample (stages and heads up to the exit taken).</summary>
    public double AverageMacs { get; }

    /// <summary>Fraction of all samples leaving at each exit.</summary>
    public IReadOnlyList<double> ExitRates => _exitRates;

    /// <summary>[class][exit]: fraction of the samples of each true class leaving at each exit (NaN for a class with no samples).</summary>
    public IReadOnlyList<IReadOnlyList<double>> ClassExitRates => _classExitRates;

    /// <summary>Recall of each true class (NaN for a class with no samples).</summary>
    public IReadOnlyList<double> ClassRecall => _classRecall;

    /// <summary>Number of exits M.</summary>
    public int ExitCount => _exitRates.Length;

    /// <summary>
    /// What Algorithm 1 did with sample <paramref name="sample"/> at exit <paramref name="exit"/>: it had already left,
    /// it leaves here, or it passed on because the argmax was the bag or because the exit was not confident enough.
    /// </summary>
    public ExitVerdict Verdict(int exit, int sample)
    {
        if ((uint)exit >= (uint)ExitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(exit), exit, $"exit must be in [0, {ExitCount}).");
        }

        if ((uint)sample >= (uint)_exits.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(sample), sample, $"sample must be in [0, {_exits.Length}).");
        }

        int taken = _exits[sample];
        return taken < exit ? ExitVerdict.LeftEarlier
            : taken == exit ? ExitVerdict.Leaves
            : _argmaxIsBag(exit, sample) ? ExitVerdict.PassesOnBag
            : ExitVerdict.PassesOnUncertain;
    }
}
