using BenchmarkDotNet.Attributes;
using ClassyNet.MLNet.Tensors.Kernels;

namespace ClassyNet.MLNet.Benchmarks;

/// <summary>SGEMM 512x512x512 (GFLOP/s = 2 * 512^3 / time).</summary>
[MemoryDiagnoser]
public class SgemmBenchmarks
{
    /// <summary>Matrix size.</summary>
    public const int Size = 512;

    private readonly float[] _a = Fill(Size * Size, 1);
    private readonly float[] _b = Fill(Size * Size, 2);
    private readonly float[] _c = new float[Size * Size];

    /// <summary>C = A * B on every available thread.</summary>
    [Benchmark]
    public void Sgemm512() => Run();

    /// <summary>Runs one product.</summary>
    public void Run() =>
        Gemm.Sgemm(false, false, Size, Size, Size, _a, 0, Size, _b, 0, Size, _c, 0, Size, accumulate: false, parallel: true);

    private static float[] Fill(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }
}
