using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tensors;

namespace ClassyNet.MLNet.Inference;

/// <summary>
/// Every exit's verdict on a labelled (validation) set from one forward pass, for threshold calibration: per exit and
/// sample the softmax entropy, the largest probability and the predicted original class (-1 when the argmax is the bag),
/// plus the per-exit early-exit MACs from <see cref="NetworkAccounting"/>. The scores are computed by the same code as
/// <see cref="EarlyExitPredictor"/> and each sample's numbers do not depend on its batch, so <see cref="Simulate"/>
/// reproduces the predictor's exits and predictions exactly.
/// </summary>
public sealed class ExitScoreCache
{
    private readonly float[][] _entropy;
    private readonly float[][] _confidence;
    private readonly int[][] _predicted;
    private readonly int[] _labels;
    private readonly long[] _exitMacs;

    private ExitScoreCache(ExitClassSets exitClasses, float[][] entropy, float[][] confidence, int[][] predicted, int[] labels, long[] exitMacs)
    {
        ExitClasses = exitClasses;
        _entropy = entropy;
        _confidence = confidence;
        _predicted = predicted;
        _labels = labels;
        _exitMacs = exitMacs;
    }

    /// <summary>The class sets the network's exits answer for.</summary>
    public ExitClassSets ExitClasses { get; }

    /// <summary>Number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>Number of exits M.</summary>
    public int ExitCount => _exitMacs.Length;

    /// <summary>Number of original classes K.</summary>
    public int ClassCount => ExitClasses.ClassCount;

    /// <summary>True labels.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>MACs per sample leaving at each exit (stages and heads 0..m, <c>NetworkAccountingExit.EarlyExitMacs</c>).</summary>
    public IReadOnlyList<long> ExitMacs => _exitMacs;

    /// <summary>
    /// Runs <paramref name="network"/> (all exits, no early exit, evaluation mode, no grad) over <paramref name="inputs"/>
    /// [N, ...] in batches of <paramref name="batchSize"/> and caches every exit's scores; <paramref name="labels"/> are
    /// the N true classes in [0, K).
    /// </summary>
    public static ExitScoreCache Build(MultiExitNetwork network, ExitClassSets exitClasses, Tensor inputs, IReadOnlyList<int> labels, int batchSize = 256)
    {
        ExitRule.ValidateNetwork(network, exitClasses, nameof(network), nameof(exitClasses));
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Rank < 2)
        {
            throw new ArgumentException($"inputs has shape {inputs.ShapeString}; expected a batch [N, ...] of samples.", nameof(inputs));
        }

        int n = inputs.Size(0), exits = network.ExitCount;
        if (labels.Count != n)
        {
            throw new ArgumentException($"labels has {labels.Count} entries but inputs holds {n} samples.", nameof(labels));
        }

        for (int i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)exitClasses.ClassCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"labels[{i}] = {labels[i]} is outside [0, {exitClasses.ClassCount}).");
            }
        }

        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be at least 1.");
        }

        network.Eval();
        var accounting = NetworkAccounting.Measure(network, inputs.Shape[1..].ToArray());
        var entropy = new float[exits][];
        var confidence = new float[exits][];
        var predicted = new int[exits][];
        for (int m = 0; m < exits; m++)
        {
            entropy[m] = new float[n];
            confidence[m] = new float[n];
            predicted[m] = new int[n];
        }

        using var noGrad = GradMode.NoGrad();
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            using var scope = TensorScope.Begin();
            var x = Functional.Narrow(inputs, 0, start, count);
            for (int m = 0; m < exits; m++)
            {
                x = network.ForwardStage(m, x);
                var scores = ExitRule.Score(network.ForwardExit(m, x));
                scores.Entropy.CopyTo(entropy[m], start);
                scores.Confidence.CopyTo(confidence[m], start);
                int bag = exitClasses.BagIndex(m);
                for (int i = 0; i < count; i++)
                {
                    int a = scores.ArgMax[i];
                    predicted[m][start + i] = a == bag ? -1 : exitClasses.ToOriginalClass(m, a);
                }
            }
        }

        return new ExitScoreCache(exitClasses, entropy, confidence, predicted, labels.ToArray(), accounting.EarlyExitMacs());
    }

    /// <summary>Softmax entropy (nats) of every sample at exit <paramref name="exit"/>.</summary>
    public IReadOnlyList<float> Entropies(int exit) => _entropy[CheckExit(exit)];

    /// <summary>Largest softmax probability of every sample at exit <paramref name="exit"/>.</summary>
    public IReadOnlyList<float> Confidences(int exit) => _confidence[CheckExit(exit)];

    /// <summary>Predicted original class of every sample at exit <paramref name="exit"/>; -1 where the argmax is the bag.</summary>
    public IReadOnlyList<int> PredictedClasses(int exit) => _predicted[CheckExit(exit)];

    /// <summary>Accuracy if every sample answered at exit <paramref name="exit"/> (a bag answer counts as wrong).</summary>
    public double ExitAccuracy(int exit)
    {
        var p = _predicted[CheckExit(exit)];
        int correct = 0;
        for (int i = 0; i < p.Length; i++)
        {
            correct += p[i] == _labels[i] ? 1 : 0;
        }

        return p.Length == 0 ? 0 : (double)correct / p.Length;
    }

    /// <summary>
    /// Replays early exit with <paramref name="thresholds"/> (as for <see cref="EarlyExitPredictor"/>: M - 1 or M values,
    /// finite, &gt;= 0) under <paramref name="policy"/>, using the predictor's own decision rule.
    /// </summary>
    public EarlyExitSimulation Simulate(ExitPolicy policy, IReadOnlyList<float> thresholds)
    {
        var t = ExitRule.ValidateThresholds(thresholds, ExitCount, nameof(thresholds));
        int n = Count;
        var exits = new int[n];
        var predicted = new int[n];
        for (int i = 0; i < n; i++)
        {
            int m = 0;
            while (m < ExitCount - 1 && !ExitRule.Leaves(policy, Score(policy, m)[i], t[m], _predicted[m][i] < 0))
            {
                m++;
            }

            exits[i] = m;
            predicted[i] = _predicted[m][i];
        }

        return new EarlyExitSimulation(policy, t, exits, predicted, _labels, _exitMacs, ClassCount);
    }

    internal float[] Score(ExitPolicy policy, int exit) => policy == ExitPolicy.Entropy ? _entropy[exit] : _confidence[exit];

    internal bool IsBag(int exit, int sample) => _predicted[exit][sample] < 0;

    internal int Predicted(int exit, int sample) => _predicted[exit][sample];

    private int CheckExit(int exit)
    {
        if ((uint)exit >= (uint)ExitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(exit), exit, $"exit must be in [0, {ExitCount}).");
        }

        return exit;
    }
}
