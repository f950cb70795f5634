using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// Builders for the multi-exit networks used in the paper and in the benchmarks. Each takes an optional
/// <see cref="torch.Generator"/>: with one, every convolution and linear layer is initialised from it (PyTorch's default
/// formula), so the same seed gives the same network; without one, libtorch's global generator is used, as in PyTorch.
/// </summary>
public static class Architectures
{
    /// <summary>
    /// CIFAR-style ResNet of depth 6n+2 (stem conv3x3 to 16 channels, three stages of n basic blocks with 16, 32 and 64
    /// channels, stride 2 at the start of stages 2 and 3) with an exit after each listed layer. Layers are counted as
    /// conv layers: the stem is layer 1 and block b (0-based) ends at layer 2b + 3; <c>depth</c> itself names the final
    /// exit. R20-3E is <c>ResNet(20, [7, 13, 20])</c>. <paramref name="exitOutputs"/> gives each exit's logit count
    /// (|S_m| + 1 with a bag, see <c>ExitClassSets.OutputCounts()</c>); by default every exit has <paramref name="classes"/>.
    /// </summary>
    public static MultiExitNetwork ResNet(int depth, IReadOnlyList<int> exitsAfterLayer, int inChannels = 1, int classes = 10, IReadOnlyList<int>? exitOutputs = null, Generator? generator = null)
    {
        if (depth < 8 || (depth - 2) % 6 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "ResNet depth must be 6n + 2 with n >= 1 (8, 14, 20, 32, 44, 56, 110, ...).");
        }

        ArgumentNullException.ThrowIfNull(exitsAfterLayer);
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        int perStage = (depth - 2) / 6;
        int blocks = 3 * perStage;
        var ends = new List<int>();
        for (int i = 0; i < exitsAfterLayer.Count; i++)
        {
            int layer = exitsAfterLayer[i];
            if (layer < 3 || layer > depth || (i > 0 && layer <= exitsAfterLayer[i - 1]))
            {
                throw new ArgumentOutOfRangeException(nameof(exitsAfterLayer), layer, $"exitsAfterLayer[{i}] = {layer}: exits must be strictly increasing layer indices in [3, {depth}].");
            }

            // Number of whole blocks finished by this layer.
            ends.Add(layer == depth ? blocks : Math.Max(1, (layer - 1) / 2));
        }

        if (ends.Count == 0 || ends[^1] != blocks)
        {
            throw new ArgumentException($"exitsAfterLayer must end with the final layer {depth}; got [{string.Join(", ", exitsAfterLayer)}].", nameof(exitsAfterLayer));
        }

        var outputs = ExitOutputs(exitOutputs, ends.Count, classes);
        var stem = nn.Sequential(nn.Conv2d(inChannels, 16, 3, 1, 1, bias: false), nn.BatchNorm2d(16), nn.ReLU());
        var stages = new List<Sequential>();
        var exits = new List<ExitBranch>();
        int channels = 16, block = 0;
        foreach (int end in ends)
        {
            if (end <= block)
            {
                throw new ArgumentException($"exitsAfterLayer [{string.Join(", ", exitsAfterLayer)}] puts two exits after the same block.", nameof(exitsAfterLayer));
            }

            var stage = nn.Sequential();
            for (; block < end; block++)
            {
                int width = 16 << (block / perStage);
                int stride = block > 0 && block % perStage == 0 ? 2 : 1;
                stage.append(new BasicBlock(channels, width, stride));
                channels = width;
            }

            stages.Add(stage);
            exits.Add(new ExitBranch(channels, outputs[exits.Count]));
        }

        return Initialised(new MultiExitNetwork(stem, stages, exits), generator);
    }

    /// <summary>
    /// Multi-layer perceptron for tabular or 2-D data (the paper's synthetic example): stage s is
    /// <paramref name="layersPerStage"/> Linear+ReLU layers of width <paramref name="stageWidths"/>[s], and exit s is a
    /// Linear head on that stage's output.
    /// </summary>
    public static MultiExitNetwork Mlp(int inputFeatures, IReadOnlyList<int> stageWidths, int classes, IReadOnlyList<int>? exitOutputs = null, int layersPerStage = 1, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputFeatures, 1);
        ArgumentNullException.ThrowIfNull(stageWidths);
        ArgumentOutOfRangeException.ThrowIfLessThan(layersPerStage, 1);
        if (stageWidths.Count == 0 || stageWidths.Any(w => w < 1))
        {
            throw new ArgumentException($"stageWidths must list at least one width, each >= 1; got [{string.Join(", ", stageWidths)}].", nameof(stageWidths));
        }

        var outputs = ExitOutputs(exitOutputs, stageWidths.Count, classes);
        var stages = new List<Sequential>();
        var exits = new List<ExitBranch>();
        int width = inputFeatures;
        for (int s = 0; s < stageWidths.Count; s++)
        {
            var stage = nn.Sequential();
            for (int l = 0; l < layersPerStage; l++)
            {
                stage.append(nn.Linear(width, stageWidths[s]));
                stage.append(nn.ReLU());
                width = stageWidths[s];
            }

            stages.Add(stage);
            exits.Add(new ExitBranch(width, outputs[s]));
        }

        return Initialised(new MultiExitNetwork(nn.Sequential(), stages, exits), generator);
    }

    /// <summary>
    /// AlexNet-style network for small images (28x28 or 32x32, the paper's AlexNet 3_Exit): conv1 5x5/64 - ReLU -
    /// maxpool 3/2 [exit 1], conv2 5x5/192 - ReLU - maxpool 3/2 [exit 2], conv3 3x3/384 - conv4 3x3/256 -
    /// conv5 3x3/256 (ReLU after each) - maxpool 3/2, then the final exit: flatten, two hidden layers of 256 with
    /// dropout 0.5, and the classifier. Early exits use <paramref name="exitBranch"/> (default: a conv block of
    /// 64 channels, then global average pooling and a linear layer).
    /// </summary>
    public static MultiExitNetwork AlexNet(int inChannels = 3, int imageSize = 32, int classes = 10, IReadOnlyList<int>? exitOutputs = null, ExitBranchOptions? exitBranch = null, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        if (imageSize < 24 || imageSize > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "AlexNet here is sized for small images: imageSize must be in [24, 64] (28 for Fashion-MNIST, 32 for CIFAR-10/SVHN).");
        }

        var outputs = ExitOutputs(exitOutputs, 3, classes);
        var branch = exitBranch ?? new ExitBranchOptions { ConvChannels = 64 };
        static int Pool(int size) => ((size - 3) / 2) + 1;
        int s3 = Pool(Pool(Pool(imageSize)));
        var stage1 = nn.Sequential(nn.Conv2d(inChannels, 64, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(3, 2));
        var stage2 = nn.Sequential(nn.Conv2d(64, 192, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(3, 2));
        var stage3 = nn.Sequential(
            nn.Conv2d(192, 384, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(384, 256, 3, 1, 1), nn.ReLU(),
            nn.Conv2d(256, 256, 3, 1, 1), nn.ReLU(),
            nn.MaxPool2d(3, 2));
        var final = new ExitBranchOptions { Flatten = true, HiddenFeatures = [256, 256], Dropout = 0.5f };
        var network = new MultiExitNetwork(
            nn.Sequential(),
            [stage1, stage2, stage3],
            [new ExitBranch(64, outputs[0], branch), new ExitBranch(192, outputs[1], branch), new ExitBranch(256 * s3 * s3, outputs[2], final)]);
        return Initialised(network, generator);
    }

    private static MultiExitNetwork Initialised(MultiExitNetwork network, Generator? generator)
    {
        LayerInit.Reset(network, generator);
        return network;
    }

    private static int[] ExitOutputs(IReadOnlyList<int>? exitOutputs, int exitCount, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (exitOutputs is null)
        {
            return Enumerable.Repeat(classes, exitCount).ToArray();
        }

        if (exitOutputs.Count != exitCount || exitOutputs.Any(o => o < 2))
        {
            throw new ArgumentException($"exitOutputs must give {exitCount} logit counts (one per exit), each >= 2; got [{string.Join(", ", exitOutputs)}].", nameof(exitOutputs));
        }

        return exitOutputs.ToArray();
    }
}
