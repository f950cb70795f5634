using BenchmarkDotNet.Attributes;

namespace ClassyNet.MLNet.Benchmarks;

/// <summary>BenchmarkDotNet measurements of R20-3E training, batch-1 latency and batch inference.</summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private R20Workload _workload = null!;

    /// <summary>Builds the workload and warms the buffer pool.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _workload = new R20Workload();
        _workload.TrainStep();
        _workload.InferBatch();
    }

    /// <summary>One training step on a batch of 64 (samples/s = 64 / time).</summary>
    [Benchmark]
    public float TrainStepBatch64() => _workload.TrainStep();

    /// <summary>Batch-1 latency through all exits.</summary>
    [Benchmark]
    public float LatencyBatch1AllExits() => _workload.LatencyAllExits();

    /// <summary>Batch-1 latency of the exit-1 prefix.</summary>
    [Benchmark]
    public float LatencyBatch1Exit1() => _workload.LatencyExit1();

    /// <summary>Inference on a batch of 256 through all exits (samples/s = 256 / time).</summary>
    [Benchmark]
    public float InferenceBatch256() => _workload.InferBatch();
}
