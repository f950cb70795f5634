using ClassyNet.MLNet.Training;

namespace ClassyNet.Cli;

/// <summary>A named training setup (--preset): architecture, exit layers, priority classes, weights and thresholds.</summary>
/// <remarks>
/// The paper (Section VI-A) states exit weights and thresholds for AlexNet 3_Exit and ResNet-110 7_Exit only, and for
/// its 3_Exit models says just that three classes are assigned to each of the two early exits; where a preset fills
/// such a gap, its description says with what.
/// </remarks>
internal sealed record NamedPreset(string Name, string Arch, int[]? Exits, string ExitClasses, float[] Weights, float[] Thresholds, string Description)
{
    /// <summary>Priority classes of the paper's 3_Exit models: three per early exit, in the 7-exit priority order (9, 8, 6, 1, 7, 0).</summary>
    private const string ThreeExitClasses = "9,8,6;1,7,0";

    public static IReadOnlyList<NamedPreset> All { get; } =
    [
        new("r20-3exit", "r20", [7, 13, 20], "9;8", [.. PaperPresets.R20ThreeExitWeights], [0.3f, 0.2f],
            "ResNet-20 (the project's R20-3E), exits after layers 7, 13, 20; classes 9 and 8 prioritised; weights 0.4,0.3,0.3, thresholds 0.3,0.2"),
        new("resnet32-7exit", "resnet32", [7, 11, 15, 19, 23, 27, 32], "9;8;6;1;7;0", [.. PaperPresets.ResNet110SevenExitWeights], [.. PaperPresets.ResNet110SevenExitThresholds],
            "ResNet-32 with 7 exits, the paper's ResNet-110 7_Exit weights, thresholds and priorities 9, 8, 6, 1, 7, 0"),
        new("resnet110-3exit", "resnet110", [18, 72, 110], ThreeExitClasses, [.. PaperPresets.R20ThreeExitWeights], [0.3f, 0.2f],
            "the paper's ResNet-110 3_Exit placement (18, 72, 110) with three classes per early exit (9,8,6 then 1,7,0); the paper gives no 3_Exit weights or thresholds for ResNet-110, so this uses R20-3E's 0.4,0.3,0.3 and 0.3,0.2"),
        new("resnet110-7exit", "resnet110", [4, 18, 36, 54, 72, 90, 110], "9;8;6;1;7;0", [.. PaperPresets.ResNet110SevenExitWeights], [.. PaperPresets.ResNet110SevenExitThresholds],
            "the paper's ResNet-110 7_Exit (4, 18, 36, 54, 72, 90, 110), weights, thresholds and priorities"),
        new("alexnet-3exit", "alexnet", null, ThreeExitClasses, [.. PaperPresets.AlexNet3ExitWeights], [.. PaperPresets.AlexNet3ExitThresholds],
            "the paper's AlexNet 3_Exit (exits after conv1 and conv2) with its weights 0.6,0.2,0.2 and thresholds 0.0001,0.005; three classes per early exit (9,8,6 then 1,7,0)"),
    ];

    /// <summary>One line per preset, "name: description", for help and error messages.</summary>
    public static string Catalogue => string.Join(Environment.NewLine, All.Select(p => $"  {p.Name}: {p.Description}"));

    public static NamedPreset Find(string name) =>
        All.FirstOrDefault(p => p.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new CliException($"Unknown --preset '{name}'; expected one of {string.Join(", ", All.Select(p => p.Name))}:{Environment.NewLine}{Catalogue}");
}
