using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Benchmarks;

/// <summary>
/// The reference workload R20-3E: <c>Architectures.ResNet(20, [7, 13, 20])</c> on 1x28x28 inputs, ten classes, the
/// model of <c>benchmarks/pytorch_bench.py</c>. Training runs the ClassyNet trainer itself (CN+C: Bag-of-Classes IC sets
/// {9} | {9, 8} | all, eq. 3 costs, instance masking at thresholds 0.3 / 0.2, exit weights 0.4 / 0.3 / 0.3, Adam lr
/// 1e-3, batches of 64 copied from managed arrays); latency and throughput run the plain network (ten logits per exit,
/// as PyTorch's) in inference mode. Inputs are fixed random tensors.
/// </summary>
public sealed class R20Workload : IDisposable
{
    private readonly MultiExitNetwork _plain;
    private readonly MultiExitTrainer _trainer;
    private readonly TensorDataset _trainData;
    private readonly Tensor _single;
    private readonly Tensor _inferenceBatch;
    private readonly MultiExitNetwork _plainTrained;
    private readonly optim.Optimizer _plainOptimizer;
    private readonly Tensor _plainImages;
    private readonly Tensor _plainLabels;

    /// <summary>Builds the networks, the trainer and the inputs: <paramref name="trainSteps"/> batches of 64 per training call and a batch of <paramref name="inferenceBatch"/>.</summary>
    public R20Workload(int trainSteps = 10, int inferenceBatch = 256)
    {
        using var init = new Generator(1);
        _plain = Architectures.ResNet(20, [7, 13, 20], generator: init);
        _plain.eval();
        var sets = ExitClassSets.Incremental([[9], [8]], classCount: 10);
        var classy = Architectures.ResNet(20, [7, 13, 20], exitOutputs: sets.OutputCounts(), generator: init);
        _trainer = new MultiExitTrainer(classy, new MultiExitTrainerOptions
        {
            ExitClasses = sets,
            CostMatrices = CostMatrices.Targeted(0.5f, 2f, 1f, 1f),
            ExitLossWeights = PaperPresets.R20ThreeExitWeights,
            ExitThresholds = [0.3f, 0.2f],
            InstanceMasking = true,
            Epochs = 1,
            BatchSize = TrainBatchSize,
            Seed = 1,
        });
        using var data = new Generator(2);
        using var images = randn([trainSteps * TrainBatchSize, 1, 28, 28], generator: data);
        _trainData = new TensorDataset(HostTensors.ToFloats(images), Enumerable.Range(0, trainSteps * TrainBatchSize).Select(i => i % 10).ToArray(), 1, 28, 28);
        _single = randn([1, 1, 28, 28], generator: data).DetachFromDisposeScope();

        // pytorch_bench.py's loop, on TorchSharp: one fixed batch of 64, every exit's ten logits, weighted cross-entropy,
        // backward, Adam. Its gap to PyTorch is the engine's; the trainer's gap to it is ClassyNet's.
        _plainTrained = Architectures.ResNet(20, [7, 13, 20], generator: init);
        _plainOptimizer = optim.Adam(_plainTrained.parameters(), lr: 1e-3);
        _plainImages = randn([TrainBatchSize, 1, 28, 28], generator: data).DetachFromDisposeScope();
        _plainLabels = (arange(TrainBatchSize, dtype: ScalarType.Int64) % 10).DetachFromDisposeScope();
        _inferenceBatch = randn([inferenceBatch, 1, 28, 28], generator: data).DetachFromDisposeScope();
    }

    /// <summary>Samples in one training step.</summary>
    public int TrainBatchSize => 64;

    /// <summary>Samples in one <see cref="TrainEpoch"/> call.</summary>
    public int TrainSamples => _trainData.Count;

    /// <summary>Samples in one large inference batch.</summary>
    public int InferenceBatchSize => (int)_inferenceBatch.shape[0];

    /// <summary>One epoch of ClassyNet training (CN+C, masking on) over the fixed samples; returns the last epoch loss.</summary>
    public double TrainEpoch() => _trainer.Fit(_trainData).Epochs[^1].Loss;

    /// <summary>One step of the plain loop (<c>pytorch_bench.py</c>'s train_step) on TorchSharp; returns the loss.</summary>
    public float PlainTrainStep()
    {
        using var scope = NewDisposeScope();
        _plainTrained.train();
        _plainOptimizer.zero_grad();
        var logits = _plainTrained.forward(_plainImages);
        var loss = PaperPresets.R20ThreeExitWeights.Select((w, k) => nn.functional.cross_entropy(logits[k], _plainLabels) * w).Aggregate((a, b) => a + b);
        loss.backward();
        _plainOptimizer.step();
        return loss.item<float>();
    }

    /// <summary>Inference-mode forward of one sample through every exit.</summary>
    public float LatencyAllExits() => Infer(_single);

    /// <summary>Inference-mode forward of one sample through the stem, stage 1 and exit 1 only.</summary>
    public float LatencyExit1()
    {
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var logits = _plain.ForwardExit(0, _plain.ForwardStage(0, _single));
        return logits[0, 0].item<float>();
    }

    /// <summary>Inference-mode forward of the large batch through every exit.</summary>
    public float InferBatch() => Infer(_inferenceBatch);

    /// <inheritdoc />
    public void Dispose()
    {
        _single.Dispose();
        _inferenceBatch.Dispose();
        _plain.Dispose();
        _plainImages.Dispose();
        _plainLabels.Dispose();
        _plainOptimizer.Dispose();
        _plainTrained.Dispose();
    }

    private float Infer(Tensor input)
    {
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var logits = _plain.forward(input);
        return logits[^1][0, 0].item<float>();
    }
}
