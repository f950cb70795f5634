using ClassyNet.MLNet.Networks;
using TorchSharp;

namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>
/// The paper's Table IV memory analysis for every possible split of a multi-exit network: per edge part (the network up
/// to and including exit k) its parameters, the paper's formula (parameters x 4 bytes x batch 16), the bytes it really
/// stores, its activation peak measured on TorchSharp, and which device budgets it fits.
/// </summary>
/// <remarks>
/// Parameter counts do not depend on the image size, only on the channels; activations do. To compare with the paper's
/// ResNet-110 on CIFAR-10, analyse <c>NetworkSpec.ResNet(110, [4, 18, 36, 54, 72, 90, 110], inChannels: 3,
/// imageSize: 32, classes: 10)</c>: its E2 prefix has 37,728 weight-tensor parameters, the paper's figure.
/// </remarks>
public static class PartitionMemoryAnalyzer
{
    /// <summary>Analyses <paramref name="network"/> for samples of shape <paramref name="inputShape"/> (no batch dimension).</summary>
    public static PartitionMemoryReport Analyze(MultiExitNetwork network, IReadOnlyList<int> inputShape, PartitionMemoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputShape);
        options ??= new PartitionMemoryOptions();
        if (options.BatchSize < 1 || options.BytesPerParameter < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"options.BatchSize ({options.BatchSize}) and options.BytesPerParameter ({options.BytesPerParameter}) must be >= 1.");
        }

        ArgumentNullException.ThrowIfNull(options.Budgets, nameof(options) + "." + nameof(options.Budgets));
        int exits = network.ExitCount;
        if (options.ExitLabels is { } labels && labels.Count != exits)
        {
            throw new ArgumentException($"options.ExitLabels has {labels.Count} labels but the network has {exits} exits.", nameof(options));
        }

        var accounting = NetworkAccounting.Measure(network, inputShape, options.BatchSize);
        var counts = PartCounts.Of(network);
        var partitions = new PartitionMemory[exits];
        long stemAll = counts.Get("stem").All, stemWeights = counts.Get("stem").Weights, stemState = counts.Get("stem").StateBytes;
        long backboneAll = stemAll, backboneWeights = stemWeights, state = stemState, headsAll = 0;
        for (int k = 0; k < exits; k++)
        {
            var stage = counts.Get($"stages.{k}");
            var head = counts.Get($"exits.{k}");
            backboneAll += stage.All;
            backboneWeights += stage.Weights;
            headsAll += head.All;
            state += stage.StateBytes + head.StateBytes;
            var exit = accounting.Exits[k];
            long edgeParameters = backboneAll + headsAll;
            partitions[k] = new PartitionMemory
            {
                Exit = k,
                Label = $"E{k + 1}" + (options.ExitLabels is { } l ? $" ({l[k]})" : string.Empty),
                PrefixParameters = backboneAll + head.All,
                PrefixWeightTensorParameters = backboneWeights + head.Weights,
                EdgeParameters = edgeParameters,
                PaperFormulaBytes = PaperMemoryFormula.Bytes(backboneWeights + head.Weights, options.BytesPerParameter, options.BatchSize),
                EdgeFormulaBytes = PaperMemoryFormula.Bytes(edgeParameters, options.BytesPerParameter, options.BatchSize),
                EdgeStateBytes = state,
                ShapeActivationBytes = exit.PeakActivationBytes,
                MeasuredActivation = options.MeasureActivations ? ActivationPeakProbe.Measure(network, k, inputShape, options.BatchSize) : null,
                HandoffShape = exit.ActivationShape,
                HandoffBytesPerSample = 4L * exit.ActivationShape.Aggregate(1L, (a, d) => a * d),
                EdgeMacs = exit.EarlyExitMacs,
            };
        }

        return new PartitionMemoryReport
        {
            InputShape = inputShape.ToArray(),
            BatchSize = options.BatchSize,
            BytesPerParameter = options.BytesPerParameter,
            TotalParameters = accounting.TotalParameters,
            Partitions = partitions,
            Fits = options.Budgets.Select(budget => Fit(budget, partitions)).ToArray(),
        };
    }

    /// <summary>Labels <c>#layer</c> for a ResNet spec's exits (<see cref="NetworkSpec.ExitsAfterLayer"/>), or null for other kinds.</summary>
    public static IReadOnlyList<string>? LayerLabels(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind == NetworkKind.ResNet ? spec.ExitsAfterLayer.Select(l => "#" + l).ToArray() : null;
    }

    /// <summary>The deepest exit whose bytes under each rule are within <paramref name="budget"/>.</summary>
    public static BudgetFit Fit(MemoryBudget budget, IReadOnlyList<PartitionMemory> partitions)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(partitions);
        int? Deepest(MemoryRule rule)
        {
            int? best = null;
            foreach (var p in partitions)
            {
                if (p.BytesFor(rule) is long bytes && bytes <= budget.Bytes)
                {
                    best = p.Exit;
                }
            }

            return best;
        }

        return new BudgetFit(budget, Deepest(MemoryRule.PaperFormula), Deepest(MemoryRule.EdgeFormula), Deepest(MemoryRule.Measured));
    }

    /// <summary>Parameter and state counts per top-level part (<c>stem</c>, <c>stages.i</c>, <c>exits.i</c>).</summary>
    private sealed class PartCounts
    {
        private readonly Dictionary<string, (long All, long Weights, long StateBytes)> _parts = [];

        public static PartCounts Of(MultiExitNetwork network)
        {
            var counts = new PartCounts();
            foreach (var (name, p) in network.named_parameters())
            {
                counts.Add(name, p.numel(), name.EndsWith(".weight", StringComparison.Ordinal) ? p.numel() : 0, p.numel() * p.ElementSize);
            }

            foreach (var (name, b) in network.named_buffers(include_nonpersistent: false))
            {
                counts.Add(name, 0, 0, b.numel() * b.ElementSize);
            }

            return counts;
        }

        public (long All, long Weights, long StateBytes) Get(string part) => _parts.GetValueOrDefault(part);

        private void Add(string name, long all, long weights, long bytes)
        {
            var segments = name.Split('.');
            string part = segments[0] == "stem" ? "stem" : segments[0] + "." + segments[1];
            var c = _parts.GetValueOrDefault(part);
            _parts[part] = (c.All + all, c.Weights + weights, c.StateBytes + bytes);
        }
    }
}
