namespace ClassyNet.Edge;

/// <summary>The answer for one sample: a class from an edge or cloud exit, or an explicit reason why there is none.</summary>
public sealed class EdgeAnswer
{
    private EdgeAnswer(EdgeAnswerSource source, int predictedClass, int exit, float score, float[] probabilities, string? error)
    {
        Source = source;
        PredictedClass = predictedClass;
        Exit = exit;
        Score = score;
        Probabilities = probabilities;
        Error = error;
    }

    /// <summary>Where the answer came from (or why there is none).</summary>
    public EdgeAnswerSource Source { get; }

    /// <summary>Whether a class was predicted (<see cref="EdgeAnswerSource.Edge"/> or <see cref="EdgeAnswerSource.Cloud"/>).</summary>
    public bool IsAnswered => Source is EdgeAnswerSource.Edge or EdgeAnswerSource.Cloud;

    /// <summary>Predicted class in [0, K), or -1 when unanswered.</summary>
    public int PredictedClass { get; }

    /// <summary>Exit that answered, 0-based in the whole model, or -1 when unanswered.</summary>
    public int Exit { get; }

    /// <summary>The exit policy's score at that exit (entropy in nats, or the largest probability); NaN when unanswered.</summary>
    public float Score { get; }

    /// <summary>Probabilities over the K classes from the exit that answered; empty when unanswered.</summary>
    public IReadOnlyList<float> Probabilities { get; }

    /// <summary>Why the sample is unanswered (the service's status and message, or the last transport error); null when answered.</summary>
    public string? Error { get; }

    /// <inheritdoc />
    public override string ToString() => IsAnswered ? $"class {PredictedClass} at exit {Exit} ({Source}, score {Score:G4})" : $"{Source}: {Error}";

    internal static EdgeAnswer Answered(EdgeAnswerSource source, int predictedClass, int exit, float score, float[] probabilities) =>
        new(source, predictedClass, exit, score, probabilities, null);

    internal static EdgeAnswer Unanswered(EdgeAnswerSource source, string error) => new(source, -1, -1, float.NaN, [], error);
}
