using System.Globalization;
using System.Text.RegularExpressions;
using ClassyNet.MLNet.Networks;

namespace ClassyNet.Cli;

/// <summary>Maps --arch (r20, resnet32, resnet110, alexnet, mlp, ...) and --exits/--widths to a <see cref="NetworkSpec"/>.</summary>
internal static partial class ArchitectureChoice
{
    public const string Names = "r20 (resnet20), resnet32, resnet56, resnet110 (any resnet<6n+2>, r<6n+2>), alexnet, mlp";

    public static NetworkSpec Spec(string arch, int exits, int[]? exitLayers, int[]? widths, IReadOnlyList<int> sampleShape, int classes)
    {
        string name = arch.Trim().ToLowerInvariant();
        int sampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        if (name == "mlp")
        {
            var w = widths ?? Enumerable.Repeat(128, exits).ToArray();
            if (w.Length != exits)
            {
                throw new CliException($"--widths has {w.Length} values but the network has {exits} exits (one stage per exit).");
            }

            return NetworkSpec.Mlp(sampleSize, w, classes);
        }

        if (sampleShape.Count != 3 || sampleShape[1] != sampleShape[2])
        {
            throw new CliException($"--arch {arch} needs square images [C, H, W] but the data has samples of shape [{string.Join(", ", sampleShape)}]; use --arch mlp for flat (CSV) data.");
        }

        if (name == "alexnet")
        {
            if (exits != 3)
            {
                throw new CliException($"--arch alexnet has 3 exits (after conv1, conv2 and the classifier), but {exits} were asked for (--exit-classes needs 2 groups).");
            }

            if (sampleShape[1] < 24 || sampleShape[1] > 64)
            {
                throw new CliException($"--arch alexnet is sized for 24..64-pixel images; the data has {sampleShape[1]}x{sampleShape[2]}.");
            }

            return NetworkSpec.AlexNet(sampleShape[0], sampleShape[1], classes);
        }

        var match = ResNetName().Match(name);
        if (!match.Success)
        {
            throw new CliException($"Unknown --arch '{arch}'; expected {Names}.");
        }

        int depth = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        if (depth < 8 || (depth - 2) % 6 != 0)
        {
            throw new CliException($"--arch {arch}: ResNet depth must be 6n+2 (8, 14, 20, 32, 44, 56, 110, ...).");
        }

        var layers = exitLayers ?? DefaultExits(depth, exits);
        if (layers.Length != exits)
        {
            throw new CliException($"--exits has {layers.Length} layers but the network has {exits} exits (--exit-classes gives {exits - 1} early exits).");
        }

        if (layers[^1] != depth)
        {
            throw new CliException($"--exits [{string.Join(",", layers)}] must end with the final layer {depth}.");
        }

        try
        {
            return NetworkSpec.ResNet(depth, layers, sampleShape[0], sampleShape[1], classes);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--exits [{string.Join(",", layers)}] does not fit ResNet-{depth}: {e.Message}");
        }
    }

    /// <summary>
    /// Exit layers of a ResNet with <paramref name="exits"/> exits: the paper's placements for ResNet-110 (3 and 7 exits),
    /// otherwise early exits after evenly spaced residual blocks (ResNet-20 with 3 exits: 7, 13, 20).
    /// </summary>
    public static int[] DefaultExits(int depth, int exits)
    {
        if (depth == 110 && exits == 7)
        {
            return [4, 18, 36, 54, 72, 90, 110];
        }

        if (depth == 110 && exits == 3)
        {
            return [18, 72, 110];
        }

        int blocks = (depth - 2) / 2;
        if (exits > blocks)
        {
            throw new CliException($"ResNet-{depth} has {blocks} residual blocks, too few for {exits} exits.");
        }

        var layers = new List<int>();
        int previous = 0;
        for (int e = 1; e < exits; e++)
        {
            int b = Math.Max(previous + 1, (int)Math.Round((double)blocks * e / exits, MidpointRounding.AwayFromZero));
            layers.Add((2 * b) + 1);
            previous = b;
        }

        layers.Add(depth);
        return [.. layers];
    }

    [GeneratedRegex("^(?:r|resnet|resnet-)(\\d+)$")]
    private static partial Regex ResNetName();
}
