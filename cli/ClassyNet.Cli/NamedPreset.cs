using ClassyNet.MLNet.Training;

namespace ClassyNet.Cli;

/// <summary>A named training setup (--preset): architecture, exit layers, priority classes, weights and thresholds.</summary>
internal sealed record NamedPreset(string Name, string Arch, int[]? Exits, string ExitClasses, float[] Weights, float[] Thresholds, string Description)
{
    public static IReadOnlyList<NamedPreset> All { get; } =
    [
        new("r20-3exit", "r20", [7, 13, 20], "9;8", [.. PaperPresets.R20ThreeExitWeights], [0.3f, 0.2f], "ResNet-20, exits after layers 7, 13, 20; classes 9 and 8 prioritised"),
        new("resnet32-7exit", "resnet32", [7, 11, 15, 19, 23, 27, 32], "9;8;6;1;7;0", [.. PaperPresets.ResNet110SevenExitWeights], [.. PaperPresets.ResNet110SevenExitThresholds], "ResNet-32 with 7 exits, the paper's 7-exit weights, thresholds and priorities 9, 8, 6, 1, 7, 0"),
        new("resnet110-3exit", "resnet110", [18, 72, 110], "9;8", [.. PaperPresets.R20ThreeExitWeights], [0.3f, 0.2f], "the paper's ResNet-110 3_Exit placement (18, 72, 110)"),
        new("resnet110-7exit", "resnet110", [4, 18, 36, 54, 72, 90, 110], "9;8;6;1;7;0", [.. PaperPresets.ResNet110SevenExitWeights], [.. PaperPresets.ResNet110SevenExitThresholds], "the paper's ResNet-110 7_Exit (4, 18, 36, 54, 72, 90, 110), weights, thresholds and priorities"),
        new("alexnet-3exit", "alexnet", null, "9;8", [.. PaperPresets.AlexNet3ExitWeights], [.. PaperPresets.AlexNet3ExitThresholds], "the paper's AlexNet 3_Exit weights and thresholds"),
    ];

    public static NamedPreset Find(string name) =>
        All.FirstOrDefault(p => p.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new CliException($"Unknown --preset '{name}'; expected one of {string.Join(", ", All.Select(p => p.Name))}.");
}
