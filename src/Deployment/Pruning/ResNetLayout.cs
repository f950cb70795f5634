using ClassyNet.MLNet.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>
/// Reads the channel layout of a ResNet-shaped <see cref="MultiExitNetwork"/> (stem conv-BN-ReLU, stages of
/// <see cref="BasicBlock"/>, default exit heads) and names the channel groups filter
/// pruning must keep consistent: one per block's inner width, and one per stretch of the residual stream (from the stem
/// or a block with a conv shortcut up to the next such block), because identity shortcuts add tensors channel by channel.
/// </summary>
internal sealed class ResNetLayout
{
    private ResNetLayout(ChannelPlan plan, string[] blockNames, int[] streamGroupOfBlock, int streamGroups)
    {
        Plan = plan;
        BlockNames = blockNames;
        StreamGroupOfBlock = streamGroupOfBlock;
        StreamGroups = streamGroups;
    }

    /// <summary>The network's current widths.</summary>
    public ChannelPlan Plan { get; }

    /// <summary>Module name of each block, e.g. <c>stages.1.3</c>.</summary>
    public IReadOnlyList<string> BlockNames { get; }

    /// <summary>Residual-stream group of each block's output; group 0 is also the stem's output.</summary>
    public IReadOnlyList<int> StreamGroupOfBlock { get; }

    /// <summary>Number of residual-stream groups.</summary>
    public int StreamGroups { get; }

    /// <summary>Width of each residual-stream group.</summary>
    public int[] StreamWidths()
    {
        var widths = new int[StreamGroups];
        widths[0] = Plan.StemWidth;
        for (int b = 0; b < Plan.Blocks.Count; b++)
        {
            widths[StreamGroupOfBlock[b]] = Plan.Blocks[b].Out;
        }

        return widths;
    }

    /// <summary>Stream group a block reads (the previous block's, or the stem's).</summary>
    public int InputGroup(int block) => block == 0 ? 0 : StreamGroupOfBlock[block - 1];

    public static ResNetLayout Of(MultiExitNetwork network, string argument)
    {
        ArgumentNullException.ThrowIfNull(network, argument);
        var children = network.named_children().ToDictionary(c => c.name, c => c.module);
        var stem = ((Sequential)children["stem"]).children().ToArray();
        if (stem.Length != 3 || stem[0] is not Conv2d stemConv || stem[1] is not BatchNorm2d || stem[2] is not ReLU)
        {
            throw new NotSupportedException($"{argument} is not a CIFAR-style ResNet (its stem is not conv-BN-ReLU); filter pruning supports the ResNets of Architectures.ResNet.");
        }

        var blocks = new List<BlockChannels>();
        var names = new List<string>();
        var groups = new List<int>();
        var stageBlocks = new List<int>();
        var exitOutputs = new List<int>();
        int group = 0;
        foreach (var (stageName, stageModule) in ((nn.Module)children["stages"]).named_children())
        {
            int count = 0;
            foreach (var (blockName, block) in stageModule.named_children())
            {
                if (block is not BasicBlock)
                {
                    throw new NotSupportedException($"{argument} has a {block.GetType().Name} at stages.{stageName}.{blockName}; filter pruning supports ResNets built from basic blocks.");
                }

                var parts = block.named_children().ToDictionary(c => c.name, c => c.module);
                var conv1 = (Conv2d)parts["conv1"];
                var conv2 = (Conv2d)parts["conv2"];
                bool shortcut = parts.ContainsKey("shortcut");
                if (shortcut && blocks.Count > 0)
                {
                    group++;
                }

                blocks.Add(new BlockChannels((int)conv1.out_channels, (int)conv2.out_channels, (int)conv1.stride[0], shortcut));
                names.Add($"stages.{stageName}.{blockName}");
                groups.Add(group);
                count++;
            }

            stageBlocks.Add(count);
        }

        foreach (var head in network.Exits)
        {
            var parameters = head.named_parameters().Select(p => p.name).ToArray();
            if (!parameters.SequenceEqual(["fc.weight", "fc.bias"]))
            {
                throw new NotSupportedException($"{argument} has an exit head with layers [{string.Join(", ", parameters)}]; filter pruning supports the default heads (pooling and one linear layer).");
            }

            exitOutputs.Add(head.Outputs);
        }

        // A conv shortcut on the first block still reads the stem's stream (group 0) and writes a new group.
        if (blocks.Count > 0 && blocks[0].Shortcut)
        {
            for (int i = 0; i < groups.Count; i++)
            {
                groups[i]++;
            }

            group++;
        }

        var plan = new ChannelPlan
        {
            InChannels = (int)stemConv.in_channels,
            StemWidth = (int)stemConv.out_channels,
            Blocks = blocks,
            StageBlocks = stageBlocks,
            ExitOutputs = exitOutputs,
        };
        return new ResNetLayout(plan, [.. names], [.. groups], group + 1);
    }
}
