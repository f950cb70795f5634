using BenchmarkDotNet.Attributes;

namespace ClassyNet.MLNet.Benchmarks;

/// <summary>BenchmarkDotNet measurements of R20-3E ClassyNet training, batch-1 latency and batch inference on libtorch.</summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private R20Workload _workload = null!;

    /// <summary>libtorch intra-op threads (the issue compares 1 and 2).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the workload and warms libtorch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        TorchSharp.torch.set_num_threads(Threads);
        _workload = new R20Workload();
        _workload.TrainEpoch();
        _workload.InferBatch();
    }

    /// <summary>Releases the tensors.</summary>
    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>One ClassyNet training epoch of 10 batches of 64 (samples/s = 640 / time).</summary>
    [Benchmark]
    public double TrainEpoch640() => _workload.TrainEpoch();

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
