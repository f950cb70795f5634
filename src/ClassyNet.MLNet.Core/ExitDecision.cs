namespace ClassyNet.MLNet.Inference;

/// <summary>
/// The one implementation of the paper's exit decision (Algorithm 1, lines 5-7) on host values, shared by the library's
/// batched predictor (TorchSharp), threshold calibration, the edge runtime (ONNX Runtime) and the cloud service, so every
/// place that decides whether a sample leaves decides it the same way.
/// </summary>
public static class ExitDecision
{
    /// <summary>
    /// Whether a sample leaves at a non-final exit: its score passes the threshold (<see cref="ExitPolicy.Entropy"/>:
    /// entropy strictly below <paramref name="threshold"/>; <see cref="ExitPolicy.MaxProbability"/>: largest probability
    /// at least <paramref name="threshold"/>) and its argmax is not the exit's bag. The final exit always answers and is
    /// not decided here.
    /// </summary>
    public static bool Leaves(ExitPolicy policy, float score, float threshold, bool argmaxIsBag) =>
        !argmaxIsBag && (policy == ExitPolicy.Entropy ? score < threshold : score >= threshold);

    /// <summary>
    /// The policy's score of one sample at an exit: <paramref name="entropy"/> for <see cref="ExitPolicy.Entropy"/>, the
    /// largest of <paramref name="probabilities"/> for <see cref="ExitPolicy.MaxProbability"/>.
    /// </summary>
    public static float Score(ExitPolicy policy, float entropy, ReadOnlySpan<float> probabilities) =>
        policy == ExitPolicy.Entropy ? entropy : probabilities[ArgMax(probabilities)];

    /// <summary>Index of the largest value (the first one on ties, as libtorch's <c>max</c>); -1 for an empty span.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = values.IsEmpty ? -1 : 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// Maps one exit's softmax <paramref name="outputs"/> onto the K = <paramref name="classes"/>.Length original classes.
    /// <paramref name="outputClasses"/> gives the original class of each output, -1 for the bag (always the last). Each
    /// class named by an output gets that output's probability; with a bag, the bag's probability is shared evenly by the
    /// classes no output names. The result sums to 1 like the input.
    /// </summary>
    public static void MapToClasses(ReadOnlySpan<int> outputClasses, ReadOnlySpan<float> outputs, Span<float> classes)
    {
        if (outputs.Length != outputClasses.Length)
        {
            throw new ArgumentException($"outputs has {outputs.Length} values but the exit has {outputClasses.Length} outputs.", nameof(outputs));
        }

        bool bag = outputClasses.Length > 0 && outputClasses[^1] < 0;
        int named = bag ? outputClasses.Length - 1 : outputClasses.Length;
        if (bag)
        {
            classes.Fill(outputs[named] / (classes.Length - named));
        }
        else
        {
            classes.Clear();
        }

        for (int i = 0; i < named; i++)
        {
            classes[outputClasses[i]] = outputs[i];
        }
    }
}
