using TorchSharp;
using TorchSharp.Modules;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// Per-exit cost accounting of a <see cref="MultiExitNetwork"/>: parameters, multiply-accumulates (MACs) and memory of
/// the prefix a sample runs when it leaves at each exit.
/// </summary>
/// <remarks>
/// <para>
/// Parameters are counted from the registered modules (trainable parameters only; batch-norm running statistics are
/// buffers and appear in <see cref="NetworkAccountingExit.PrefixStateBytes"/>). MACs are computed from the layers'
/// shapes for one sample (no tensor is run): a convolution costs out_channels x in_channels / groups x kernel area per
/// output position, a linear layer in x out features; batch norm, ReLU, pooling, dropout and additions cost none.
/// </para>
/// <para>
/// Activation memory is defined at layer granularity: the stem and each stage are walked through their
/// <see cref="Sequential"/> children (nested <see cref="Sequential"/>s are opened, any other module such as a
/// <see cref="BasicBlock"/> or an <see cref="ExitBranch"/> is one layer). For a layer-by-layer executor that frees a
/// layer's input once its output exists, the live activations while a layer runs are its input plus its output;
/// <see cref="NetworkAccountingExit.PeakActivationBytes"/> is the largest such sum over the prefix and
/// <see cref="NetworkAccountingExit.LargestActivationBytes"/> the largest single tensor (input, layer outputs and
/// logits). Both are float32 bytes at the requested batch size. Temporaries inside a layer (for example the residual
/// branch of a basic block, or libtorch's convolution workspaces) are not included, so the figures are lower bounds.
/// </para>
/// </remarks>
public static class NetworkAccounting
{
    /// <summary>
    /// Accounts <paramref name="network"/> for samples of shape <paramref name="inputShape"/> (without the batch
    /// dimension, e.g. <c>[1, 28, 28]</c> for an image or <c>[2]</c> for two features); activation bytes are given for
    /// <paramref name="batchSize"/> samples.
    /// </summary>
    public static NetworkAccountingReport Measure(MultiExitNetwork network, IReadOnlyList<int> inputShape, int batchSize = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count == 0 || inputShape.Any(d => d < 1))
        {
            throw new ArgumentException($"inputShape must list at least one dimension, each >= 1 (one sample, no batch dimension); got [{string.Join(", ", inputShape)}].", nameof(inputShape));
        }

        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be at least 1.");
        }

        var stages = network.Stages;
        int exits = network.ExitCount;
        long stemParameters = CountParameters(network.Stem);
        long stemState = CountState(network.Stem);
        long[] x = inputShape.Select(d => (long)d).ToArray();
        var result = new NetworkAccountingExit[exits];
        long prefixBackboneParameters = stemParameters, prefixBackboneState = stemState, prefixBackboneMacs = 0, headsMacs = 0;
        long largestElements = Numel(x), peakElements = 0, totalMacs = 0, totalParameters = stemParameters;
        for (int m = 0; m < exits; m++)
        {
            long stageMacs = 0;
            try
            {
                if (m == 0)
                {
                    x = Walk(network.Stem, x, ref stageMacs, ref largestElements, ref peakElements);
                }

                x = Walk(stages[m], x, ref stageMacs, ref largestElements, ref peakElements);
            }
            catch (ArgumentException ex) when (m == 0)
            {
                throw new ArgumentException($"inputShape [{string.Join(", ", inputShape)}] does not fit the network's first stage: {ex.Message}", nameof(inputShape), ex);
            }

            var head = ModuleTrace.Trace(network.Exits[m], x);
            long activation = Numel(x), logits = Numel(head.Output);
            long headLargest = Math.Max(largestElements, Math.Max(activation, logits));
            long headPeak = Math.Max(peakElements, activation + logits);
            long stageParameters = CountParameters(stages[m]);
            long headParameters = CountParameters(network.Exits[m]);
            prefixBackboneParameters += stageParameters;
            prefixBackboneState += CountState(stages[m]);
            prefixBackboneMacs += stageMacs;
            totalParameters += stageParameters + headParameters;
            totalMacs += stageMacs + head.Macs;
            headsMacs += head.Macs;
            result[m] = new NetworkAccountingExit
            {
                Exit = m,
                StageParameters = stageParameters + (m == 0 ? stemParameters : 0),
                HeadParameters = headParameters,
                PrefixParameters = prefixBackboneParameters + headParameters,
                PrefixStateBytes = 4 * (prefixBackboneState + CountState(network.Exits[m])),
                StageMacs = stageMacs,
                HeadMacs = head.Macs,
                PrefixMacs = prefixBackboneMacs + head.Macs,
                EarlyExitMacs = prefixBackboneMacs + headsMacs,
                ActivationShape = x.Select(d => checked((int)d)).ToArray(),
                LargestActivationBytes = 4L * batchSize * headLargest,
                PeakActivationBytes = 4L * batchSize * headPeak,
            };
        }

        return new NetworkAccountingReport
        {
            InputShape = inputShape.ToArray(),
            BatchSize = batchSize,
            StemParameters = stemParameters,
            TotalParameters = totalParameters,
            TotalMacs = totalMacs,
            Exits = result,
        };
    }

    /// <summary>Walks the layers of a sequence (opening nested sequences), adding their MACs and tracking activation sizes.</summary>
    private static long[] Walk(torch.nn.Module module, long[] input, ref long macs, ref long largest, ref long peak)
    {
        if (module is Sequential sequential)
        {
            var x = input;
            foreach (var child in sequential.children())
            {
                x = Walk(child, x, ref macs, ref largest, ref peak);
            }

            return x;
        }

        var layer = ModuleTrace.Trace(module, input);
        macs += layer.Macs;
        long inElements = Numel(input), outElements = Numel(layer.Output);
        largest = Math.Max(largest, Math.Max(inElements, outElements));
        peak = Math.Max(peak, inElements + outElements);
        return layer.Output;
    }

    private static long Numel(long[] shape) => shape.Aggregate(1L, (a, d) => a * d);

    private static long CountParameters(torch.nn.Module module) => module.parameters().Sum(p => p.numel());

    private static long CountState(torch.nn.Module module) =>
        CountParameters(module) + module.named_buffers(include_nonpersistent: false).Sum(b => b.buffer.numel());
}
