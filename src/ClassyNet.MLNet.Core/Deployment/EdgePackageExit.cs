namespace ClassyNet.MLNet.Deployment;

/// <summary>One exit of an exported edge part: where its outputs are in the ONNX graph and what its outputs mean.</summary>
public sealed class EdgePackageExit
{
    /// <summary>Creates the description of exit <paramref name="index"/> (0-based in the whole model).</summary>
    public EdgePackageExit(int index, IReadOnlyList<int> outputClasses, string probabilitiesOutput, string entropyOutput)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentNullException.ThrowIfNull(outputClasses);
        ArgumentException.ThrowIfNullOrEmpty(probabilitiesOutput);
        ArgumentException.ThrowIfNullOrEmpty(entropyOutput);
        Index = index;
        OutputClasses = outputClasses.ToArray();
        ProbabilitiesOutput = probabilitiesOutput;
        EntropyOutput = entropyOutput;
    }

    /// <summary>Index (0-based) of the exit in the whole model.</summary>
    public int Index { get; }

    /// <summary>Original class of each of the exit's outputs, in output order; -1 for the bag (always the last output).</summary>
    public IReadOnlyList<int> OutputClasses { get; }

    /// <summary>Whether the exit has a bag output (its last output class is -1).</summary>
    public bool HasBag => OutputClasses.Count > 0 && OutputClasses[^1] < 0;

    /// <summary>Index of the bag output, or -1 when the exit has none.</summary>
    public int BagIndex => HasBag ? OutputClasses.Count - 1 : -1;

    /// <summary>Name of the graph output holding the exit's softmax, shape [N, outputs].</summary>
    public string ProbabilitiesOutput { get; }

    /// <summary>Name of the graph output holding the softmax entropy in nats (H = -sum p ln p), shape [N].</summary>
    public string EntropyOutput { get; }
}
