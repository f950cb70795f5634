namespace ClassyNet.MLNet.Inference;

/// <summary>What <see cref="EarlyExitPredictor"/> answered for one sample.</summary>
public sealed class EarlyExitPrediction
{
    internal EarlyExitPrediction(int predictedClass, int exit, float score, float[] probabilities, long macs)
    {
        PredictedClass = predictedClass;
        Exit = exit;
        Score = score;
        Probabilities = probabilities;
        Macs = macs;
    }

    /// <summary>Predicted original class in [0, K).</summary>
    public int PredictedClass { get; }

    /// <summary>Index (0-based) of the exit that answered.</summary>
    public int Exit { get; }

    /// <summary>
    /// The policy's score at the exit taken, over that exit's own outputs (bag included): the softmax entropy in nats
    /// for <see cref="ExitPolicy.Entropy"/>, the largest softmax probability for <see cref="ExitPolicy.MaxProbability"/>.
    /// </summary>
    public float Score { get; }

    /// <summary>
    /// Probabilities over the K original classes from the exit taken (see <see cref="EarlyExitPredictor"/> for how a
    /// bag's probability is spread). Sums to 1; its argmax is <see cref="PredictedClass"/> (up to exact ties).
    /// </summary>
    public IReadOnlyList<float> Probabilities { get; }

    /// <summary>
    /// Multiply-accumulates this sample ran: stages 0..m and heads 0..m for exit m
    /// (<c>NetworkAccountingExit.EarlyExitMacs</c>).
    /// </summary>
    public long Macs { get; }

    /// <inheritdoc />
    public override string ToString() => $"class {PredictedClass} at exit {Exit} (score {Score:G4}, {Macs} MACs)";
}
