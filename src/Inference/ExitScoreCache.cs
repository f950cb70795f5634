using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;

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
    /// Runs <paramref name="network"/> (all exits, no early exit, evaluation and inference mode) over
    /// <paramref name="inputs"/> [N, ...] in batches of <paramref name="batchSize"/> and caches every exit's scores;
    /// <paramref name="labels"/> are the N true classes in [0, K).
    /// </summary>
    public static ExitScoreCache Build(MultiExitNetwork network, ExitClassSets exitClasses, Tensor inputs, IReadOnlyList<int> labels, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() < 2)
        {
            throw new ArgumentException($"inputs has shape [{string.Join(", ", inputs.shape)}]; expected a batch [N, ...] of samples.", nameof(inputs));
        }

        var sampleShape = inputs.shape[1..].Select(d => checked((int)d)).ToArray();
        return Build(network, exitClasses, (int)inputs.shape[0], sampleShape, (start, count) => inputs.narrow(0, start, count), labels, batchSize);
    }

    /// <summary>
    /// As <see cref="Build(MultiExitNetwork, ExitClassSets, Tensor, IReadOnlyList{int}, int)"/> for a labelled in-memory
    /// dataset whose samples already have the network's input shape (normalised as the network expects).
    /// </summary>
    public static ExitScoreCache Build(MultiExitNetwork network, ExitClassSets exitClasses, TensorDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Build(network, exitClasses, data.Features, data.SampleShape, data.Labels, batchSize);
    }

    /// <summary>As <see cref="Build(MultiExitNetwork, ExitClassSets, Tensor, IReadOnlyList{int}, int)"/> for samples held row-major in a managed array.</summary>
    internal static ExitScoreCache Build(MultiExitNetwork network, ExitClassSets exitClasses, float[] features, int[] sampleShape, IReadOnlyList<int> labels, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(features);
        int size = sampleShape.Aggregate(1, (a, d) => a * d);
        long[] shape = [0, .. sampleShape.Select(d => (long)d)];
        return Build(network, exitClasses, features.Length / size, sampleShape, (start, count) =>
        {
            shape[0] = count;
            return HostTensors.Floats(features.AsSpan(start * size, count * size), shape);
        }, labels, batchSize);
    }

    private static ExitScoreCache Build(MultiExitNetwork network, ExitClassSets exitClasses, int n, int[] sampleShape, Func<int, int, Tensor> batchAt, IReadOnlyList<int> labels, int batchSize)
    {
        ExitRule.ValidateNetwork(network, exitClasses, nameof(network), nameof(exitClasses));
        ArgumentNullException.ThrowIfNull(labels);
        int exits = network.ExitCount;
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

        network.eval();
        var accounting = NetworkAccounting.Measure(network, sampleShape);
        var entropy = new float[exits][];
        var confidence = new float[exits][];
        var predicted = new int[exits][];
        for (int m = 0; m < exits; m++)
        {
            entropy[m] = new float[n];
            confidence[m] = new float[n];
            predicted[m] = new int[n];
        }

        using var inference = inference_mode();
        var device = network.Device;
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            using var scope = NewDisposeScope();
            var x = batchAt(start, count).to(device);
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
            while (m < ExitCount - 1 && !ExitDecision.Leaves(policy, Score(policy, m)[i], t[m], _predicted[m][i] < 0))
            {
                m++;
            }

            exits[i] = m;
            predicted[i] = _predicted[m][i];
        }

        return new EarlyExitSimulation(policy, t, exits, predicted, _labels, _exitMacs, ClassCount, IsBag);
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
