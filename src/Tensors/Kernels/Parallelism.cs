namespace ClassyNet.MLNet.Tensors.Kernels;

/// <summary>
/// Intra-op parallelism with static partitioning: work is cut into <see cref="ThreadCount"/> fixed chunks, so a
/// reduction that combines per-chunk partial results in chunk order gives the same bits on every run with the same
/// thread count (PyTorch's <c>torch.set_num_threads</c> contract).
/// </summary>
public static class Parallelism
{
    private static int _threadCount = Environment.ProcessorCount;

    /// <summary>Number of threads the kernels use (default: processor count).</summary>
    public static int ThreadCount
    {
        get => _threadCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _threadCount = value;
        }
    }

    /// <summary>Start (inclusive) and end (exclusive) of chunk <paramref name="chunk"/> of <paramref name="chunks"/> over <paramref name="count"/> items.</summary>
    public static (int Start, int End) Range(int count, int chunks, int chunk) =>
        ((int)((long)count * chunk / chunks), (int)((long)count * (chunk + 1) / chunks));

    /// <summary>Number of chunks to use for <paramref name="count"/> items of roughly <paramref name="costPerItem"/> flops each.</summary>
    public static int ChunksFor(int count, double costPerItem)
    {
        const double MinimumWorkPerChunk = 100_000;
        int byWork = (int)Math.Max(1, count * costPerItem / MinimumWorkPerChunk);
        return Math.Max(1, Math.Min(Math.Min(ThreadCount, count), byWork));
    }

    /// <summary>Runs <paramref name="body"/>(chunk, start, end) for each of <paramref name="chunks"/> static chunks of [0, count).</summary>
    public static void ForChunks(int count, int chunks, Action<int, int, int> body)
    {
        if (chunks <= 1 || count <= 1)
        {
            body(0, 0, count);
            return;
        }

        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, chunk =>
        {
            var (start, end) = Range(count, chunks, chunk);
            body(chunk, start, end);
        });
    }
}
