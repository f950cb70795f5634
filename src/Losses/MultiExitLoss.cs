using static TorchSharp.torch;

namespace ClassyNet.MLNet.Losses;

/// <summary>
/// The ClassyNet joint loss as batched tensor operations. At exit m each sample's label is relabelled with eq. 4 (BoC,
/// an index lookup), its cross-entropy is multiplied by C_m[y_m, argmax(ŷ_m)] (eq. 8-9, a lookup that carries no
/// gradient), the batch mean is taken, and the exits are summed with weights w_m (eq. 10). Given entropy thresholds,
/// the loss also counts the samples that would leave at each exit (Algorithm 1: entropy below the threshold and, with a
/// bag, argmax not the bag); with instance masking (paper V-D) such a sample contributes 0 at every later exit.
/// </summary>
/// <remarks>
/// One call makes one host synchronisation (the per-exit statistics of <see cref="MultiExitLossResult"/>); there is no
/// per-sample loop. The lookup tables live on the device of the logits.
/// </remarks>
public sealed class MultiExitLoss
{
    private readonly float[][,] _costs;
    private readonly bool[] _uniformCost;
    private Device? _tableDevice;
    private Tensor?[] _relabel = [];
    private Tensor[] _costTables = [];

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
        _uniformCost = _costs.Select(c => c.Cast<float>().All(v => v == 1f)).ToArray();
        if (exitThresholds is not null)
        {
            ExitThresholds = CheckVector(exitThresholds, sets.ExitCount - 1, sets.ExitCount, nameof(exitThresholds), "entropy thresholds");
        }
        else if (instanceMasking)
        {
            throw new ArgumentException("Instance masking needs exit thresholds.", nameof(instanceMasking));
        }

        InstanceMasking = instanceMasking;
        EnsureTables(CPU);
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

    /// <summary>Computes the loss of one batch from each exit's logits and the original labels (checked to be in [0, K)).</summary>
    /// <param name="logits">Logits per exit, [N, K_m].</param>
    /// <param name="labels">Original class labels in [0, K), one per sample.</param>
    /// <param name="step">Training step, reported by non-finite detection.</param>
    public MultiExitLossResult Compute(IReadOnlyList<Tensor> logits, ReadOnlySpan<int> labels, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var values = new long[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)Sets.ClassCount)
            {
                throw new ArgumentOutOfRangeException($"labels[{i}]", labels[i], $"Label {labels[i]} is outside [0, {Sets.ClassCount}).");
            }

            values[i] = labels[i];
        }

        var device = logits.Count > 0 && logits[0] is not null ? logits[0].device : CPU;
        using var y = tensor(values, device: device);
        return ComputeChecked(logits, y, step);
    }

    /// <summary>
    /// Computes the loss of one batch from each exit's logits and the original labels, an int64 tensor [N] on the logits'
    /// device (<c>torch.nn.functional.cross_entropy</c>'s convention), checked to be in [0, K).
    /// </summary>
    public MultiExitLossResult Compute(IReadOnlyList<Tensor> logits, Tensor labels, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() == 1 && labels.dtype == ScalarType.Int64 && labels.numel() > 0)
        {
            long min = labels.min().item<long>(), max = labels.max().item<long>();
            if (min < 0 || max >= Sets.ClassCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), min < 0 ? min : max, $"labels holds {(min < 0 ? min : max)}; labels must be in [0, {Sets.ClassCount}).");
            }
        }

        return ComputeChecked(logits, labels, step);
    }

    /// <summary>The loss for labels already known to be in [0, K) (the trainer checks them on the host as it copies them).</summary>
    internal MultiExitLossResult ComputeChecked(IReadOnlyList<Tensor> logits, Tensor labels, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        int exits = Sets.ExitCount;
        if (logits.Count != exits)
        {
            throw new ArgumentException($"Got logits for {logits.Count} exits; the class sets define {exits}.", nameof(logits));
        }

        if (labels.dim() != 1 || labels.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"labels is a {labels.dtype} tensor of shape [{string.Join(", ", labels.shape)}]; expected int64 [N].", nameof(labels));
        }

        long n = labels.shape[0];
        for (int m = 0; m < exits; m++)
        {
            var z = logits[m];
            if (z is null || z.dim() != 2 || z.shape[0] != n || z.shape[1] != Sets.OutputCount(m))
            {
                throw new ArgumentException($"logits[{m}] has shape [{(z is null ? "null" : string.Join(", ", z.shape))}], expected [{n}, {Sets.OutputCount(m)}] (batch, outputs of exit {m}).", nameof(logits));
            }
        }

        EnsureTables(logits[0].device);
        Tensor? total = null;
        var statistics = new Tensor[3 * exits];
        Tensor? active = null; // bool [N]: not yet left at an earlier exit (only with thresholds)
        try
        {
            for (int m = 0; m < exits; m++)
            {
                var z = logits[m];
                var exitLabels = _relabel[m] is { } lookup ? lookup.index_select(0, labels) : labels.alias();
                using var exitLabelsScope = exitLabels;
                using var predicted = z.detach().argmax(1);
                bool masked = InstanceMasking && active is not null;
                Tensor exitLoss;
                if (_uniformCost[m] && !masked)
                {
                    exitLoss = nn.functional.cross_entropy(z, exitLabels);
                }
                else
                {
                    using var perSample = nn.functional.cross_entropy(z, exitLabels, reduction: nn.Reduction.None);
                    using var index = exitLabels * Sets.OutputCount(m) + predicted;
                    using var cost = _costTables[m].index_select(0, index);
                    using var weight = masked ? cost * active! : cost.alias();
                    using var weighted = perSample * weight;
                    exitLoss = weighted.mean();
                }

                using (exitLoss)
                {
                    statistics[3 * m] = exitLoss.detach().to(ScalarType.Float64);
                    using var hits = predicted.eq(exitLabels);
                    statistics[(3 * m) + 1] = hits.sum().to(ScalarType.Float64);
                    using var term = exitLoss * ExitWeights[m];
                    var sum = total is null ? term.alias() : total + term;
                    total?.Dispose();
                    total = sum;
                }

                if (ExitThresholds is not null && m < exits - 1)
                {
                    using var noGrad = no_grad();
                    using var entropy = SoftmaxScores.Entropy(z);
                    using var confident = entropy.lt(ExitThresholds[m]);
                    int bag = Sets.BagIndex(m);
                    using var notBag = bag >= 0 ? predicted.ne(bag) : ones_like(confident);
                    using var passes = confident.logical_and(notBag);
                    var leaves = active is null ? passes.alias() : passes.logical_and(active);
                    using (leaves)
                    {
                        statistics[(3 * m) + 2] = leaves.sum().to(ScalarType.Float64);
                        using var stays = leaves.logical_not();
                        var next = active is null ? stays.to(ScalarType.Float32) : active * stays;
                        active?.Dispose();
                        active = next;
                    }
                }
                else
                {
                    statistics[(3 * m) + 2] = zeros(1, ScalarType.Float64, z.device).squeeze();
                }
            }

            using var stacked = stack(statistics);
            using var host = stacked.cpu();
            var values = host.data<double>().ToArray();
            var exitLosses = new float[exits];
            var correct = new int[exits];
            var wouldExit = new int[exits];
            for (int m = 0; m < exits; m++)
            {
                exitLosses[m] = (float)values[3 * m];
                correct[m] = (int)values[(3 * m) + 1];
                wouldExit[m] = (int)values[(3 * m) + 2];
                if (ThrowOnNonFinite && !float.IsFinite(exitLosses[m]))
                {
                    throw new NonFiniteLossException(step, m, exitLosses[m]);
                }
            }

            var result = new MultiExitLossResult(total!, exitLosses, correct, wouldExit);
            total = null;
            return result;
        }
        finally
        {
            total?.Dispose();
            active?.Dispose();
            foreach (var s in statistics)
            {
                s?.Dispose();
            }
        }
    }

    /// <summary>Builds the relabelling (eq. 4) and flattened cost tables (eq. 9) on <paramref name="device"/> once.</summary>
    private void EnsureTables(Device device)
    {
        if (_tableDevice is not null && _tableDevice.type == device.type && _tableDevice.index == device.index)
        {
            return;
        }

        foreach (var t in _relabel)
        {
            t?.Dispose();
        }

        foreach (var t in _costTables)
        {
            t.Dispose();
        }

        int exits = Sets.ExitCount, k = Sets.ClassCount;
        _relabel = new Tensor?[exits];
        _costTables = new Tensor[exits];
        for (int m = 0; m < exits; m++)
        {
            var map = Enumerable.Range(0, k).Select(c => (long)Sets.ToExitLabel(m, c)).ToArray();
            bool identity = map.Select((v, c) => v == c).All(b => b);
            _relabel[m] = identity ? null : tensor(map, device: device).DetachFromDisposeScope();
            int outputs = Sets.OutputCount(m);
            var flat = new float[outputs * outputs];
            for (int t = 0; t < outputs; t++)
            {
                for (int p = 0; p < outputs; p++)
                {
                    flat[(t * outputs) + p] = _costs[m][t, p];
                }
            }

            _costTables[m] = tensor(flat, device: device).DetachFromDisposeScope();
        }

        _tableDevice = device;
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
