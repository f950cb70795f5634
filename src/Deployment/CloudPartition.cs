using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using TorchSharp;

namespace ClassyNet.MLNet.Deployment;

/// <summary>
/// The cloud part of a model split after exit k (<see cref="ModelSplit"/>): stages k..M-1 and their exits, run on
/// TorchSharp with Algorithm 1 from the activation the edge part hands on. It shares the model's modules (no copy of
/// the weights) and runs through the library's own <see cref="EarlyExitPredictor"/> on the tail of the network, so a
/// sample goes through exactly the stages, scores and exit decision it would meet in the unsplit model.
/// </summary>
public sealed class CloudPartition
{
    private readonly EarlyExitPredictor _predictor;
    private readonly MultiExitNetwork _tail;
    private readonly ExitClassSets _tailClasses;
    private readonly long[] _exitMacs;

    /// <summary>Creates the cloud part of <paramref name="model"/> after <paramref name="splitExit"/> exits (1..M-1).</summary>
    public CloudPartition(ClassyNetModel model, int splitExit)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (splitExit < 1 || splitExit >= model.ExitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(splitExit), splitExit, $"splitExit is the number of exits on the edge; a cloud part exists for 1..{model.ExitCount - 1} (the model has {model.ExitCount} exits).");
        }

        Model = model;
        SplitExit = splitExit;
        var network = model.Network;
        var accounting = NetworkAccounting.Measure(network, model.InputShape);
        ActivationShape = accounting.Exits[splitExit - 1].ActivationShape;
        _exitMacs = accounting.EarlyExitMacs();
        _tail = new MultiExitNetwork(torch.nn.Sequential(), network.Stages.Skip(splitExit).ToArray(), network.Exits.Skip(splitExit).ToArray());
        var sets = model.ExitClasses;
        _tailClasses = ExitClassSets.FromParts(
            sets.Scheme,
            sets.ClassCount,
            sets.BagOfClasses,
            Enumerable.Range(splitExit, model.ExitCount - 1 - splitExit).Select(m => sets.ClassesAt(m)).ToArray());
        _predictor = Predictor(model.Thresholds.Skip(splitExit).ToArray());
    }

    /// <summary>The whole model.</summary>
    public ClassyNetModel Model { get; }

    /// <summary>Number of exits on the edge, k: the cloud part starts at stage k (0-based).</summary>
    public int SplitExit { get; }

    /// <summary>Per-sample shape of the activation the cloud part takes (the output of stage k-1).</summary>
    public IReadOnlyList<int> ActivationShape { get; }

    /// <summary>Number of floats in one sample's activation.</summary>
    public int ActivationSize => ActivationShape.Aggregate(1, (a, d) => a * d);

    /// <summary>The model's thresholds of the cloud's early exits (exits k..M-2), used when a call gives none.</summary>
    public IReadOnlyList<float> Thresholds => _predictor.Thresholds;

    /// <summary>
    /// Runs the cloud part on <paramref name="count"/> activations stored row-major in <paramref name="activations"/>
    /// with Algorithm 1. <paramref name="thresholds"/> (M-1-k values) replaces the model's thresholds of the cloud's
    /// early exits for this call. Answers are in input order; each names its exit in the whole model (k..M-1) and its
    /// MACs count the edge part too (<see cref="EarlyExitPrediction.Macs"/>); <see cref="EarlyExitBatchResult.ExecutedMacs"/>
    /// counts the cloud's work only.
    /// </summary>
    public EarlyExitBatchResult Predict(ReadOnlySpan<float> activations, int count, IReadOnlyList<float>? thresholds = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (activations.Length != (long)count * ActivationSize)
        {
            throw new ArgumentException($"activations has {activations.Length} values but {count} activations of shape [{string.Join(", ", ActivationShape)}] need {(long)count * ActivationSize}.", nameof(activations));
        }

        var predictor = thresholds is null ? _predictor : Predictor(thresholds);
        var tail = predictor.PredictBatch(activations, count);
        var predictions = new EarlyExitPrediction[count];
        for (int i = 0; i < count; i++)
        {
            var p = tail.Predictions[i];
            int exit = p.Exit + SplitExit;
            predictions[i] = new EarlyExitPrediction(p.PredictedClass, exit, p.Score, [.. p.Probabilities], _exitMacs[exit]);
        }

        return new EarlyExitBatchResult(predictions, Model.ExitCount, tail.ExecutedMacs);
    }

    private EarlyExitPredictor Predictor(IReadOnlyList<float> thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        int expected = Model.ExitCount - 1 - SplitExit;
        if (thresholds.Count != expected)
        {
            throw new ArgumentException($"thresholds must give {expected} values (the cloud's early exits {SplitExit + 1}..{Model.ExitCount - 1}); got {thresholds.Count}: [{string.Join(", ", thresholds)}].", nameof(thresholds));
        }

        return new EarlyExitPredictor(_tail, _tailClasses, thresholds, ActivationShape, Model.Policy);
    }
}
