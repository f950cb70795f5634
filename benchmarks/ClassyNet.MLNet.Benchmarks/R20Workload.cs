using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Optim;
using ClassyNet.MLNet.Training;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Benchmarks;

/// <summary>
/// The reference workload R20-3E: <c>Architectures.ResNet(20, [7, 13, 20])</c> on 1x28x28 inputs, ten classes,
/// exit loss weights 0.4 / 0.3 / 0.3, Adam (lr 1e-3). Inputs are fixed random tensors.
/// </summary>
public sealed class R20Workload
{
    private readonly MultiExitNetwork _network;
    private readonly Adam _optimizer;
    private readonly Tensor _trainBatch;
    private readonly int[] _labels;
    private readonly Tensor _single;
    private readonly Tensor _inferenceBatch;
    private readonly IReadOnlyList<float> _weights = PaperPresets.R20ThreeExitWeights;

    /// <summary>Builds the network and inputs for a training batch of <paramref name="trainBatch"/> and an inference batch of <paramref name="inferenceBatch"/>.</summary>
    public R20Workload(int trainBatch = 64, int inferenceBatch = 256)
    {
        _network = Architectures.ResNet(20, [7, 13, 20], generator: new Generator(1));
        _optimizer = new Adam(_network.Parameters(), lr: 1e-3);
        var data = new Generator(2);
        _trainBatch = TensorScope.Untracked(() => Tensor.Randn([trainBatch, 1, 28, 28], data));
        _single = TensorScope.Untracked(() => Tensor.Randn([1, 1, 28, 28], data));
        _inferenceBatch = TensorScope.Untracked(() => Tensor.Randn([inferenceBatch, 1, 28, 28], data));
        _labels = new int[trainBatch];
        for (int i = 0; i < trainBatch; i++)
        {
            _labels[i] = i % 10;
        }
    }

    /// <summary>Samples in one training step.</summary>
    public int TrainBatchSize => _trainBatch.Size(0);

    /// <summary>Samples in one large inference batch.</summary>
    public int InferenceBatchSize => _inferenceBatch.Size(0);

    /// <summary>One full training step: forward through all exits, weighted cross-entropy, backward, Adam step.</summary>
    public float TrainStep()
    {
        _network.Train();
        using var scope = TensorScope.Begin();
        _optimizer.ZeroGrad();
        var logits = _network.Forward(_trainBatch);
        var loss = F.MulScalar(F.CrossEntropy(logits[0], _labels), _weights[0]);
        for (int e = 1; e < logits.Count; e++)
        {
            loss = F.Add(loss, F.MulScalar(F.CrossEntropy(logits[e], _labels), _weights[e]));
        }

        loss.Backward();
        _optimizer.Step();
        return loss.AsSpan()[0];
    }

    /// <summary>Eval-mode, no-grad forward of one sample through every exit.</summary>
    public float LatencyAllExits() => Infer(_single);

    /// <summary>Eval-mode, no-grad forward of one sample through the stem, stage 1 and exit 1 only.</summary>
    public float LatencyExit1()
    {
        _network.Eval();
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        var logits = _network.ForwardExit(0, _network.ForwardStage(0, _single));
        return logits.AsSpan()[0];
    }

    /// <summary>Eval-mode, no-grad forward of the large batch through every exit.</summary>
    public float InferBatch() => Infer(_inferenceBatch);

    private float Infer(Tensor input)
    {
        _network.Eval();
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        var logits = _network.Forward(input);
        return logits[^1].AsSpan()[0];
    }
}
