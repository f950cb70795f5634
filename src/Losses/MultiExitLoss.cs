using ClassyNet.MLNet.Tensors;

namespace ClassyNet.MLNet.Losses;

/// <summary>
/// The ClassyNet joint loss. At exit m each sample's label is relabelled with eq. 4 (BoC), its cross-entropy is
/// multiplied by C_m[y_m, argmax(ŷ_m)] (eq. 8-9, the lookup carries no gradient), the batch mean is taken, and the
/// exits are summed with weights w_m (eq. 10). Given entropy thresholds, the loss also counts the samples that would
/// leave at each exit (Algorithm 1: entropy below the threshold and, with a bag, argmax not the bag); with instance
/// masking (paper V-D) such a sample contributes 0 at every later exit.
/// </summary>
public sealed class MultiExitLoss
{
    private readonly float[][,] _costs;
    private readonly bool _allOnes;

    /// <summary>Creates the loss.</summary>
    /// <param name="sets">Class sets per exit (BoC relabelling and output counts).</param>
    /// <param name="exitWeights">w_m per exit; finite and >= 0.</param>
    /// <param name="costs">Cost matrices (default all ones).</param>
    /// <param name="exitThresholds">Entropy thresholds of the early exits (M - 1 values, or M with the last ignored), or null.</param>
    /// <param name="instanceMasking">Zero the loss at later exits for samples that would already leave; needs thresholds.</param>
    public MultiExitLoss(ExitClassSets sets, IReadOnlyList<float> exitWeights, CostMatrices? costs = null, IReadOnlyList<float>? exitThresholds = null, bool instanceMasking = false)
    {
        Sets = sets ?? throw new ArgumentNullException(nameof(sets));
        ExitWeights = CheckVector(exitWeights, sets.ExitCount, sets.ExitCount, nameof(exitWeights), "exit weights");
        if (ExitWeights.All(w => w == 0))
        {
            throw new ArgumentException("exitWeights are all zero; at least one exit must carry weight.", nameof(exitWeights));
        }

        Costs = costs ?? CostMatrices.Ones;
        _costs = Costs.ForAllExits(sets);
        _allOnes = _costs.All(c => c.Cast<float>().All(v => v == 1f));
        if (exitThresholds is not null)
        {
            ExitThresholds = CheckVector(exitThresholds, sets.ExitCount - 1, sets.ExitCount, nameof(exitThresholds), "entropy thresholds");
        }
        else if (instanceMasking)
        {
            throw new ArgumentException("Instance masking needs exit thresholds.", nameof(instanceMasking));
        }

        InstanceMasking = instanceMasking;
    }

    /// <summary>Class sets per exit.</summary>
    public ExitClassSets Sets { get; }

    /// <summary>w_m per exit.</summary>
    public IReadOnlyList<float> ExitWeights { get; }

    /// <summary>Cost matrices.</summary>
    public CostMatrices Costs { get; }

    /// <summary>Entropy thresholds of the early exits, or null.</summary>
    public IReadOnlyList<float>? ExitThresholds { get; }

    /// <summary>Whether samples that would leave early are masked out of later exits' losses.</summary>
    public bool InstanceMasking { get; }

    /// <summary>When true, a NaN or infinite exit loss throws <see cref="NonFiniteLossException"/> naming the step and exit.</summary>
    public bool ThrowOnNonFinite { get; init; }

    /// <summary>Computes the loss of one batch from each exit's logits and the original labels.</summary>
    /// <param name="logits">Logits per exit, [N, K_m].</param>
    /// <param name="labels">Original class labels in [0, K).</param>
    /// <param name="step">Training step, reported by non-finite detection.</param>
    public MultiExitLossResult Compute(IReadOnlyList<Tensor> logits, ReadOnlySpan<int> labels, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Count != Sets.ExitCount)
        {
            throw new ArgumentException($"Got logits for {logits.Count} exits; the class sets define {Sets.ExitCount}.", nameof(logits));
        }

        int n = labels.Length;
        var active = new float[n];
        Array.Fill(active, 1f);
        var exitLosses = new float[Sets.ExitCount];
        var correct = new int[Sets.ExitCount];
        var wouldExit = new int[Sets.ExitCount];
        Tensor? total = null;
        for (int m = 0; m < Sets.ExitCount; m++)
        {
            var z = logits[m];
            if (z.Rank != 2 || z.Size(0) != n || z.Size(1) != Sets.OutputCount(m))
            {
                throw new ArgumentException($"logits[{m}] has shape {z.ShapeString}, expected [{n}, {Sets.OutputCount(m)}] (batch, outputs of exit {m}).", nameof(logits));
            }

            var exitLabels = Sets.ToExitLabels(m, labels);
            var predicted = Functional.ArgMax(z);
            var weights = new float[n];
            bool uniform = _allOnes;
            for (int i = 0; i < n; i++)
            {
                weights[i] = _costs[m][exitLabels[i], predicted[i]] * (InstanceMasking ? active[i] : 1f);
                uniform &= weights[i] == 1f;
                if (predicted[i] == exitLabels[i])
                {
                    correct[m]++;
                }
            }

            var perSample = Functional.CrossEntropy(z, exitLabels, Reduction.None);
            var weighted = uniform ? perSample : Functional.Mul(perSample, Tensor.FromArray(weights, n));
            var exitLoss = Functional.Mean(weighted);
            float value = exitLoss.Item();
            exitLosses[m] = value;
            if (ThrowOnNonFinite && !float.IsFinite(value))
            {
                throw new NonFiniteLossException(step, m, value);
            }

            var term = Functional.MulScalar(exitLoss, ExitWeights[m]);
            total = total is null ? term : Functional.Add(total, term);

            if (ExitThresholds is not null && m < Sets.ExitCount - 1)
            {
                using var noGrad = GradMode.NoGrad();
                var entropy = Functional.SoftmaxEntropy(z).AsSpan();
                int bag = Sets.BagIndex(m);
                for (int i = 0; i < n; i++)
                {
                    if (active[i] > 0 && entropy[i] < ExitThresholds[m] && predicted[i] != bag)
                    {
                        active[i] = 0;
                        wouldExit[m]++;
                    }
                }
            }
        }

        return new MultiExitLossResult(total!, exitLosses, correct, wouldExit);
    }

    private static float[] CheckVector(IReadOnlyList<float> values, int minLength, int maxLength, string argument, string what)
    {
        ArgumentNullException.ThrowIfNull(values, argument);
        if (values.Count < minLength || values.Count > maxLength)
        {
            string expected = minLength == maxLength ? $"{minLength}" : $"{minLength} or {maxLength}";
            throw new ArgumentException($"{argument} has {values.Count} {what}; expected {expected} (one per exit).", argument);
        }

        for (int i = 0; i < values.Count; i++)
        {
            if (!float.IsFinite(values[i]) || values[i] < 0)
            {
                throw new ArgumentOutOfRangeException(argument, values[i], $"{argument}[{i}] = {values[i]}; {what} must be finite and >= 0.");
            }
        }

        return values.ToArray();
    }
}
