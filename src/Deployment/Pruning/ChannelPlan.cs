using System.Text.Json;
using ClassyNet.MLNet.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>
/// The channel widths of a (possibly filter-pruned) CIFAR-style ResNet: stem conv3x3-BN-ReLU, residual blocks grouped
/// (<see cref="BasicBlock"/>, whose inner width may differ from its output) into the stages of a <see cref="MultiExitNetwork"/>, and a default exit head (global pooling and a linear layer) after
/// each stage. <see cref="Build"/> makes the network; <see cref="ParameterCount"/> counts its parameters without building it.
/// </summary>
public sealed record ChannelPlan
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Image channels.</summary>
    public required int InChannels { get; init; }

    /// <summary>Output channels of the stem convolution.</summary>
    public required int StemWidth { get; init; }

    /// <summary>Every residual block, in order.</summary>
    public required IReadOnlyList<BlockChannels> Blocks { get; init; }

    /// <summary>Number of blocks in each stage (one stage per exit).</summary>
    public required IReadOnlyList<int> StageBlocks { get; init; }

    /// <summary>Logits of each exit head.</summary>
    public required IReadOnlyList<int> ExitOutputs { get; init; }

    /// <summary>The residual stream's width after each stage (what exit head m reads).</summary>
    public IReadOnlyList<int> ExitFeatures
    {
        get
        {
            var features = new int[StageBlocks.Count];
            int end = 0;
            for (int s = 0; s < StageBlocks.Count; s++)
            {
                end += StageBlocks[s];
                features[s] = end == 0 ? StemWidth : Blocks[end - 1].Out;
            }

            return features;
        }
    }

    /// <summary>Trainable parameters of the network <see cref="Build"/> makes.</summary>
    public long ParameterCount()
    {
        Validate();
        long count = (9L * InChannels * StemWidth) + (2L * StemWidth);
        int width = StemWidth;
        foreach (var b in Blocks)
        {
            count += (9L * width * b.Mid) + (2L * b.Mid) + (9L * b.Mid * b.Out) + (2L * b.Out);
            if (b.Shortcut)
            {
                count += ((long)width * b.Out) + (2L * b.Out);
            }

            width = b.Out;
        }

        var features = ExitFeatures;
        for (int m = 0; m < ExitOutputs.Count; m++)
        {
            count += ((long)features[m] * ExitOutputs[m]) + ExitOutputs[m];
        }

        return count;
    }

    /// <summary>Builds the network (freshly initialised; load weights into it).</summary>
    public MultiExitNetwork Build()
    {
        Validate();
        var stem = nn.Sequential(nn.Conv2d(InChannels, StemWidth, 3, 1, 1, bias: false), nn.BatchNorm2d(StemWidth), nn.ReLU());
        var stages = new List<Sequential>();
        var exits = new List<ExitBranch>();
        int width = StemWidth, block = 0;
        for (int s = 0; s < StageBlocks.Count; s++)
        {
            var stage = nn.Sequential();
            for (int i = 0; i < StageBlocks[s]; i++, block++)
            {
                var b = Blocks[block];
                stage.append(new BasicBlock(width, b.Out, b.Stride, b.Mid));
                width = b.Out;
            }

            stages.Add(stage);
            exits.Add(new ExitBranch(width, ExitOutputs[s]));
        }

        return new MultiExitNetwork(stem, stages, exits);
    }

    /// <summary>The plan as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses <see cref="ToJson"/>'s output; anything malformed is an <see cref="InvalidDataException"/>.</summary>
    public static ChannelPlan FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var dto = JsonSerializer.Deserialize<Dto>(json, JsonOptions) ?? throw new InvalidDataException("Channel plan is empty (JSON null).");
            var plan = new ChannelPlan
            {
                InChannels = dto.InChannels,
                StemWidth = dto.StemWidth,
                Blocks = dto.Blocks ?? throw new InvalidDataException("Channel plan has no blocks."),
                StageBlocks = dto.StageBlocks ?? throw new InvalidDataException("Channel plan has no stageBlocks."),
                ExitOutputs = dto.ExitOutputs ?? throw new InvalidDataException("Channel plan has no exitOutputs."),
            };
            plan.Validate();
            return plan;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"Channel plan is not valid: {e.Message}", e);
        }
    }

    private void Validate()
    {
        if (InChannels < 1 || StemWidth < 1 || Blocks.Any(b => b is null || b.Mid < 1 || b.Out < 1 || b.Stride < 1))
        {
            throw new ArgumentException("A channel plan needs at least one channel everywhere and strides >= 1.");
        }

        if (StageBlocks.Count == 0 || StageBlocks.Count != ExitOutputs.Count || StageBlocks.Any(n => n < 0) || StageBlocks.Sum() != Blocks.Count || ExitOutputs.Any(o => o < 2))
        {
            throw new ArgumentException($"A channel plan needs one block count and one output count (>= 2) per exit, the counts summing to the {Blocks.Count} blocks; got blocks per stage [{string.Join(", ", StageBlocks)}] and outputs [{string.Join(", ", ExitOutputs)}].");
        }

        int width = StemWidth;
        for (int i = 0; i < Blocks.Count; i++)
        {
            var b = Blocks[i];
            if (b.Shortcut != (b.Stride != 1 || b.Out != width))
            {
                throw new ArgumentException($"Block {i} says its shortcut is {(b.Shortcut ? "a convolution" : "the identity")}, but stride {b.Stride} and {width} -> {b.Out} channels make it {(b.Shortcut ? "the identity" : "a convolution")}.");
            }

            width = b.Out;
        }
    }

    private sealed class Dto
    {
        public int InChannels { get; set; }

        public int StemWidth { get; set; }

        public List<BlockChannels>? Blocks { get; set; }

        public List<int>? StageBlocks { get; set; }

        public List<int>? ExitOutputs { get; set; }
    }
}
