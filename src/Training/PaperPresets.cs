namespace ClassyNet.MLNet.Training;

/// <summary>Exit-weight and entropy-threshold vectors reported in the paper (Section VI-A), by configuration.</summary>
public static class PaperPresets
{
    /// <summary>AlexNet 3_Exit: weights [0.6, 0.2, 0.2].</summary>
    public static IReadOnlyList<float> AlexNet3ExitWeights { get; } = [0.6f, 0.2f, 0.2f];

    /// <summary>AlexNet 3_Exit: thresholds [0.0001, 0.005].</summary>
    public static IReadOnlyList<float> AlexNet3ExitThresholds { get; } = [0.0001f, 0.005f];

    /// <summary>ResNet-110 7_Exit: weights [0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1].</summary>
    public static IReadOnlyList<float> ResNet110SevenExitWeights { get; } = [0.2f, 0.2f, 0.2f, 0.1f, 0.1f, 0.1f, 0.1f];

    /// <summary>ResNet-110 7_Exit: thresholds [0.3, 0.3, 0.3, 0.2, 0.2, 0.2].</summary>
    public static IReadOnlyList<float> ResNet110SevenExitThresholds { get; } = [0.3f, 0.3f, 0.3f, 0.2f, 0.2f, 0.2f];

    /// <summary>InceptionV3 7_Exit: weights [0.3, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1].</summary>
    public static IReadOnlyList<float> InceptionV3SevenExitWeights { get; } = [0.3f, 0.15f, 0.15f, 0.1f, 0.1f, 0.1f, 0.1f];

    /// <summary>InceptionV3 7_Exit: thresholds [0.3, 0.3, 0.3, 0.2, 0.2, 0.2].</summary>
    public static IReadOnlyList<float> InceptionV3SevenExitThresholds { get; } = [0.3f, 0.3f, 0.3f, 0.2f, 0.2f, 0.2f];

    /// <summary>Classes prioritised at exits 1..6 in the paper's 7-exit experiments (the rest go to the last exit).</summary>
    public static IReadOnlyList<int> SevenExitPriorityClasses { get; } = [9, 8, 6, 1, 7, 0];

    /// <summary>Weights for the benchmarks' R20-3E: [0.4, 0.3, 0.3].</summary>
    public static IReadOnlyList<float> R20ThreeExitWeights { get; } = [0.4f, 0.3f, 0.3f];
}
