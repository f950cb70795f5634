using ClassyNet.MLNet.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>
/// Structured pruning in the manner of HRank (Lin et al., 2020): filters whose feature maps have a low average rank on
/// a calibration set carry little information and are removed, really: the result is a smaller network
/// (<see cref="ChannelPlan"/>: basic blocks with fewer channels) with fewer parameters and multiply-accumulates.
/// </summary>
/// <remarks>
/// <para>
/// Channel groups: each residual block's inner channels (output of conv1-BN-ReLU) are pruned on their own. The residual
/// stream (stem output and the outputs of the blocks up to the next block with a conv shortcut) is one group, because
/// identity shortcuts add its tensors channel by channel; its rank is averaged over all maps of the group. Exit heads
/// lose the input columns of removed stream channels.
/// </para>
/// <para>
/// Budget: every group keeps the same fraction rho of its channels (at least one, rounded), the largest rho whose
/// network has at most the allowed parameters (found by bisection over <see cref="ChannelPlan.ParameterCount"/>).
/// Within a group the channels with the highest average rank stay, in their original order.
/// </para>
/// </remarks>
public static class FilterRankPruner
{
    /// <summary>
    /// Average feature-map rank of every prunable channel over <paramref name="calibration"/> [N, C, H, W] (inputs as the
    /// network takes them, i.e. normalised), run in batches in inference mode.
    /// </summary>
    public static FilterRanks MeasureRanks(MultiExitNetwork network, Tensor calibration, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var layout = ResNetLayout.Of(network, nameof(network));
        if (calibration.dim() != 4 || calibration.shape[0] < 1)
        {
            throw new ArgumentException($"calibration has shape [{string.Join(", ", calibration.shape)}]; expected a batch of images [N, C, H, W] with N >= 1.", nameof(calibration));
        }

        var widths = layout.StreamWidths();
        var stream = widths.Select(w => new double[w]).ToArray();
        var streamMaps = new int[widths.Length];
        var inner = layout.Plan.Blocks.Select(b => new double[b.Mid]).ToArray();
        var modules = network.named_modules().ToDictionary(m => m.name, m => m.module);
        var removers = new List<Action>();
        bool wasTraining = network.training;
        network.eval();
        try
        {
            void Watch(string name, Action<Tensor> record) =>
                removers.Add(((nn.Module<Tensor, Tensor>)modules[name]).register_forward_hook((_, _, output) =>
                {
                    record(output);
                    return null!;
                }).remove);

            Watch("stem", output => Accumulate(output, stream[0]));
            for (int b = 0; b < layout.BlockNames.Count; b++)
            {
                int group = layout.StreamGroupOfBlock[b], block = b;
                Watch(layout.BlockNames[b], output => Accumulate(output, stream[group]));
                Watch(layout.BlockNames[b] + ".bn1", output =>
                {
                    using var activated = nn.functional.relu(output);
                    Accumulate(activated, inner[block]);
                });
            }

            streamMaps[0] = 1;
            foreach (int g in layout.StreamGroupOfBlock)
            {
                streamMaps[g]++;
            }

            using var inference = inference_mode();
            long n = calibration.shape[0];
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var x = calibration.narrow(0, start, Math.Min(batchSize, n - start)).to(network.Device);
                foreach (var logits in network.forward(x))
                {
                    logits.Dispose();
                }
            }

            for (int g = 0; g < stream.Length; g++)
            {
                Scale(stream[g], 1.0 / (n * streamMaps[g]));
            }

            foreach (var ranks in inner)
            {
                Scale(ranks, 1.0 / n);
            }

            return new FilterRanks(stream, inner, (int)n);
        }
        finally
        {
            foreach (var remove in removers)
            {
                remove();
            }

            network.train(wasTraining);
        }
    }

    /// <summary>
    /// The widths that keep the same fraction of every channel group with at most <paramref name="maxParameters"/>
    /// trainable parameters (the network's own widths when it already fits).
    /// </summary>
    /// <exception cref="ArgumentException">Even one channel per group exceeds <paramref name="maxParameters"/>.</exception>
    public static ChannelPlan PlanFor(MultiExitNetwork network, long maxParameters)
    {
        var layout = ResNetLayout.Of(network, nameof(network));
        if (layout.Plan.ParameterCount() <= maxParameters)
        {
            return layout.Plan;
        }

        long smallest = Widths(layout, 0).ParameterCount();
        if (smallest > maxParameters)
        {
            throw new ArgumentException($"maxParameters is {maxParameters:N0}, but even one channel per group leaves {smallest:N0} parameters in this network; filter pruning cannot go below that.", nameof(maxParameters));
        }

        double lo = 0, hi = 1;
        for (int i = 0; i < 60; i++)
        {
            double mid = (lo + hi) / 2;
            if (Widths(layout, mid).ParameterCount() <= maxParameters)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return Widths(layout, lo);
    }

    /// <summary>
    /// A new network with <paramref name="target"/>'s widths whose weights are those of <paramref name="network"/> for the
    /// channels with the highest <paramref name="ranks"/> in each group (in their original order), on the same device.
    /// </summary>
    public static MultiExitNetwork Prune(MultiExitNetwork network, FilterRanks ranks, ChannelPlan target)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(target);
        var layout = ResNetLayout.Of(network, nameof(network));
        var source = layout.Plan;
        if (target.InChannels != source.InChannels || !target.StageBlocks.SequenceEqual(source.StageBlocks) || !target.ExitOutputs.SequenceEqual(source.ExitOutputs)
            || target.Blocks.Zip(source.Blocks).Any(p => p.First.Stride != p.Second.Stride || p.First.Shortcut != p.Second.Shortcut || p.First.Mid > p.Second.Mid || p.First.Out > p.Second.Out)
            || target.StemWidth > source.StemWidth)
        {
            throw new ArgumentException("target must be a narrowing of the network's own layout (same blocks, strides, shortcuts and exits; no wider channel group); make it with PlanFor.", nameof(target));
        }

        var streamWidths = layout.StreamWidths();
        if (ranks.Stream.Count != streamWidths.Length || ranks.Inner.Count != source.Blocks.Count
            || ranks.Stream.Select(r => r.Length).Zip(streamWidths).Any(p => p.First != p.Second)
            || ranks.Inner.Select(r => r.Length).Zip(source.Blocks).Any(p => p.First != p.Second.Mid))
        {
            throw new ArgumentException("ranks do not describe this network's channel groups; measure them with MeasureRanks on the same network.", nameof(ranks));
        }

        var targetStream = new int[streamWidths.Length];
        targetStream[0] = target.StemWidth;
        for (int b = 0; b < target.Blocks.Count; b++)
        {
            int g = layout.StreamGroupOfBlock[b];
            if (targetStream[g] != 0 && targetStream[g] != target.Blocks[b].Out)
            {
                throw new ArgumentException($"target block {b} gives residual-stream group {g} {target.Blocks[b].Out} channels but an earlier member of the group has {targetStream[g]}; identity shortcuts need one width per group.", nameof(target));
            }

            targetStream[g] = target.Blocks[b].Out;
        }

        long[][] keepStream = ranks.Stream.Select((r, g) => Keep(r, targetStream[g])).ToArray();
        long[][] keepInner = ranks.Inner.Select((r, b) => Keep(r, target.Blocks[b].Mid)).ToArray();
        var blockIndex = layout.BlockNames.Select((name, b) => (name, b)).ToDictionary(p => p.name + ".", p => p.b);
        var exitGroups = ExitGroups(layout);
        var pruned = target.Build();
        var sliced = new Dictionary<string, Tensor>();
        try
        {
            using (no_grad())
            {
                var old = network.state_dict();
                foreach (var name in pruned.state_dict().Keys)
                {
                    var (rows, columns) = Selection(name, layout, blockIndex, exitGroups, keepStream, keepInner);
                    var t = old[name].cpu();
                    if (rows is not null)
                    {
                        using var index = tensor(rows);
                        t = t.index_select(0, index);
                    }

                    if (columns is not null)
                    {
                        using var index = tensor(columns);
                        t = t.index_select(1, index);
                    }

                    sliced[name] = t;
                }
            }

            pruned.load_state_dict(sliced);
        }
        finally
        {
            foreach (var t in sliced.Values)
            {
                t.Dispose();
            }
        }

        pruned.to(network.Device);
        pruned.train(network.training);
        return pruned;
    }

    private static (long[]? Rows, long[]? Columns) Selection(string name, ResNetLayout layout, Dictionary<string, int> blockIndex, int[] exitGroups, long[][] stream, long[][] inner)
    {
        if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
        {
            return (null, null);
        }

        if (name.StartsWith("stem.", StringComparison.Ordinal))
        {
            return (stream[0], null);
        }

        if (name.StartsWith("exits.", StringComparison.Ordinal))
        {
            int m = int.Parse(name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);
            return name.EndsWith(".weight", StringComparison.Ordinal) ? (null, stream[exitGroups[m]]) : (null, null);
        }

        var key = blockIndex.Keys.First(k => name.StartsWith(k, StringComparison.Ordinal));
        int b = blockIndex[key];
        var input = stream[layout.InputGroup(b)];
        var output = stream[layout.StreamGroupOfBlock[b]];
        string rest = name[key.Length..];
        return rest switch
        {
            "conv1.weight" => (inner[b], input),
            "conv2.weight" => (output, inner[b]),
            "shortcut.0.weight" => (output, input),
            _ when rest.StartsWith("bn1.", StringComparison.Ordinal) => (inner[b], null),
            _ when rest.StartsWith("bn2.", StringComparison.Ordinal) || rest.StartsWith("shortcut.1.", StringComparison.Ordinal) => (output, null),
            _ => throw new InvalidOperationException($"Unexpected state-dict entry '{name}' in a basic block."),
        };
    }

    private static int[] ExitGroups(ResNetLayout layout)
    {
        var groups = new int[layout.Plan.StageBlocks.Count];
        int end = 0;
        for (int m = 0; m < groups.Length; m++)
        {
            end += layout.Plan.StageBlocks[m];
            groups[m] = end == 0 ? 0 : layout.StreamGroupOfBlock[end - 1];
        }

        return groups;
    }

    private static ChannelPlan Widths(ResNetLayout layout, double keep)
    {
        var widths = layout.StreamWidths().Select(w => Keep(w, keep)).ToArray();
        var plan = layout.Plan;
        return plan with
        {
            StemWidth = widths[0],
            Blocks = plan.Blocks.Select((b, i) => b with { Mid = Keep(b.Mid, keep), Out = widths[layout.StreamGroupOfBlock[i]] }).ToArray(),
        };
    }

    private static int Keep(int width, double fraction) => Math.Clamp((int)Math.Round(width * fraction, MidpointRounding.AwayFromZero), 1, width);

    private static long[] Keep(double[] ranks, int count) =>
        Enumerable.Range(0, ranks.Length).OrderByDescending(c => ranks[c]).ThenBy(c => c).Take(count).Order().Select(c => (long)c).ToArray();

    private static void Accumulate(Tensor maps, double[] sums)
    {
        using var scope = NewDisposeScope();
        var perChannel = linalg.matrix_rank(maps).sum(dim: 0L).to(ScalarType.Float64).cpu();
        var values = perChannel.data<double>().ToArray();
        for (int c = 0; c < sums.Length; c++)
        {
            sums[c] += values[c];
        }
    }

    private static void Scale(double[] values, double factor)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }
}
