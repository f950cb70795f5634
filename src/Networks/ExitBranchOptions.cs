namespace ClassyNet.MLNet.Networks;

/// <summary>Shape of an exit head (see <see cref="ExitBranch"/>).</summary>
public sealed class ExitBranchOptions
{
    /// <summary>Channels of an optional conv3x3-BN-ReLU block before pooling; 0 (default) for none.</summary>
    public int ConvChannels { get; init; }

    /// <summary>Flatten [N, C, H, W] to [N, C*H*W] instead of global average pooling. Default false.</summary>
    public bool Flatten { get; init; }

    /// <summary>Widths of hidden Linear-ReLU layers before the output layer. Default none.</summary>
    public IReadOnlyList<int>? HiddenFeatures { get; init; }

    /// <summary>Dropout after each hidden layer, in [0, 1). Default 0.</summary>
    public float Dropout { get; init; }
}
