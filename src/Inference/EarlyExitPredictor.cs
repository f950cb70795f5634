using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Inference;

/// <summary>
/// ClassyNet inference (the paper's Algorithm 1), batched: a sample leaves at the first early exit m whose score passes
/// T_m (<see cref="ExitPolicy"/>) and whose argmax is not the bag; the final exit always answers.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="PredictBatch(Tensor)"/> runs stage 0 on the whole batch, computes exit 0's logits and decides every sample;
/// the activations of the samples still in flight are then compacted with <c>index_select</c> and only they run the
/// next stage, until none is left. Everything runs in libtorch's inference mode (no autograd) with the network in
/// evaluation mode, each stage inside its own dispose scope, so a call leaves no tensor behind and holds at most one
/// stage's activations at a time. Executed multiply-accumulates are counted from the rows each stage and head actually
/// ran and the layers' shapes (<see cref="NetworkAccounting"/>).
/// </para>
/// <para>
/// Probabilities over the K original classes: at an exit without a bag they are the exit's softmax in class order. At
/// an exit with a bag, each class of S_m gets its own output's probability and the bag's probability is shared evenly
/// among the K - |S_m| classes outside S_m, so the vector still sums to 1. A sample only leaves such an exit when the
/// bag is not the argmax, so the predicted class keeps the largest probability (up to exact ties).
/// </para>
/// </remarks>
public sealed class EarlyExitPredictor
{
    private readonly float[] _thresholds;
    private readonly int[] _inputShape;
    private readonly long[] _sampleShape;
    private readonly long[] _exitMacs;

    /// <summary>
    /// Creates a predictor. <paramref name="thresholds"/> are T_1..T_(M-1) for the early exits (a list of M values is
    /// accepted; the last is ignored because the final exit always answers); each must be finite and &gt;= 0.
    /// <paramref name="inputShape"/> is one sample's shape without the batch dimension; it is used to account the
    /// per-exit MACs (<see cref="NetworkAccounting"/>) and to check inputs.
    /// </summary>
    public EarlyExitPredictor(MultiExitNetwork network, ExitClassSets exitClasses, IReadOnlyList<float> thresholds, IReadOnlyList<int> inputShape, ExitPolicy policy = ExitPolicy.Entropy)
    {
        ExitRule.ValidateNetwork(network, exitClasses, nameof(network), nameof(exitClasses));
        _thresholds = ExitRule.ValidateThresholds(thresholds, network.ExitCount, nameof(thresholds));
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, $"policy must be {ExitPolicy.Entropy} or {ExitPolicy.MaxProbability}.");
        }

        ArgumentNullException.ThrowIfNull(inputShape);
        Network = network;
        ExitClasses = exitClasses;
        Policy = policy;
        network.eval();
        Accounting = NetworkAccounting.Measure(network, inputShape);
        _inputShape = inputShape.ToArray();
        _sampleShape = _inputShape.Select(d => (long)d).ToArray();
        _exitMacs = Accounting.EarlyExitMacs();
    }

    /// <summary>The network (kept in evaluation mode).</summary>
    public MultiExitNetwork Network { get; }

    /// <summary>The class sets S_1..S_M of the exits.</summary>
    public ExitClassSets ExitClasses { get; }

    /// <summary>The exit test.</summary>
    public ExitPolicy Policy { get; }

    /// <summary>Thresholds T_1..T_(M-1) of the early exits.</summary>
    public IReadOnlyList<float> Thresholds => _thresholds;

    /// <summary>One sample's shape (without the batch dimension).</summary>
    public IReadOnlyList<int> InputShape => _inputShape;

    /// <summary>Per-exit parameters and MACs of the network for <see cref="InputShape"/>.</summary>
    public NetworkAccountingReport Accounting { get; }

    /// <summary>Early-exit inference for one sample of shape <see cref="InputShape"/> (or [1, ...InputShape]).</summary>
    public EarlyExitPrediction Predict(Tensor sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.dim() == _inputShape.Length)
        {
            CheckSampleShape(sample.shape, nameof(sample));
            using var batch = sample.unsqueeze(0);
            return PredictBatch(batch).Predictions[0];
        }

        if (sample.dim() != _inputShape.Length + 1 || sample.shape[0] != 1)
        {
            throw new ArgumentException($"sample has shape [{string.Join(", ", sample.shape)}]; expected one sample of shape [{string.Join(", ", _inputShape)}] or [1, {string.Join(", ", _inputShape)}].", nameof(sample));
        }

        return PredictBatch(sample).Predictions[0];
    }

    /// <summary>
    /// Early-exit inference for <paramref name="count"/> samples stored row-major in <paramref name="inputs"/>
    /// (<paramref name="count"/> x the product of <see cref="InputShape"/> values, already normalised). This is the
    /// entry point of the pipeline layer, which holds managed arrays: one block copy makes the input tensor.
    /// </summary>
    public EarlyExitBatchResult PredictBatch(ReadOnlySpan<float> inputs, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int size = _inputShape.Aggregate(1, (a, d) => a * d);
        if (inputs.Length != (long)count * size)
        {
            throw new ArgumentException($"inputs has {inputs.Length} values but {count} samples of shape [{string.Join(", ", _inputShape)}] need {(long)count * size}.", nameof(inputs));
        }

        using var x = HostTensors.Floats(inputs, [count, .. _sampleShape], Network.Device);
        return PredictBatch(x);
    }

    /// <summary>Early-exit inference for a batch [N, ...InputShape], running each stage only on the samples still in flight.</summary>
    public EarlyExitBatchResult PredictBatch(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() != _inputShape.Length + 1)
        {
            throw new ArgumentException($"inputs has shape [{string.Join(", ", inputs.shape)}]; expected a batch [N, {string.Join(", ", _inputShape)}].", nameof(inputs));
        }

        CheckSampleShape(inputs.shape[1..], nameof(inputs));
        int n = (int)inputs.shape[0], k = ExitClasses.ClassCount, exits = Network.ExitCount;
        var predictions = new EarlyExitPrediction[n];
        if (n == 0)
        {
            return new EarlyExitBatchResult(predictions, exits, 0);
        }

        Network.eval();
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var device = Network.Device;
        var x = inputs.device == device ? inputs : inputs.to(device);
        var inFlight = Enumerable.Range(0, n).ToArray(); // original index of each row of x
        long executed = 0;
        for (int m = 0; m < exits; m++)
        {
            using var stageScope = NewDisposeScope();
            var activation = Network.ForwardStage(m, x);
            var logits = Network.ForwardExit(m, activation);
            executed += inFlight.Length * (Accounting.Exits[m].StageMacs + Accounting.Exits[m].HeadMacs);
            var scores = ExitRule.Score(logits);
            var score = scores.For(Policy);
            int outputs = (int)logits.shape[1], bag = ExitClasses.BagIndex(m);
            bool final = m == exits - 1;
            var stay = new List<long>(inFlight.Length);
            for (int r = 0; r < inFlight.Length; r++)
            {
                if (!final && !ExitDecision.Leaves(Policy, score[r], _thresholds[m], scores.ArgMax[r] == bag))
                {
                    stay.Add(r);
                    continue;
                }

                var classProbabilities = new float[k];
                ExitDecision.MapToClasses(ExitClasses.OutputClasses(m), scores.Probabilities.AsSpan(r * outputs, outputs), classProbabilities);
                predictions[inFlight[r]] = new EarlyExitPrediction(
                    ExitClasses.ToOriginalClass(m, scores.ArgMax[r]), m, score[r], classProbabilities, _exitMacs[m]);
            }

            if (stay.Count == 0 || final)
            {
                break;
            }

            // Compact to the samples still in flight; only they run the next stage.
            var next = stay.Count == inFlight.Length ? activation : activation.index_select(0, tensor(stay.ToArray(), device: device));
            next.MoveToOuterDisposeScope();
            if (!ReferenceEquals(x, inputs))
            {
                x.Dispose();
            }

            x = next;
            inFlight = stay.Select(r => inFlight[(int)r]).ToArray();
        }

        return new EarlyExitBatchResult(predictions, exits, executed);
    }

    private void CheckSampleShape(ReadOnlySpan<long> shape, string argument)
    {
        bool same = shape.Length == _inputShape.Length;
        for (int i = 0; same && i < shape.Length; i++)
        {
            same = shape[i] == _inputShape[i];
        }

        if (!same)
        {
            throw new ArgumentException($"{argument} samples have shape [{string.Join(", ", shape.ToArray())}] but the predictor was built for [{string.Join(", ", _inputShape)}].", argument);
        }
    }
}
