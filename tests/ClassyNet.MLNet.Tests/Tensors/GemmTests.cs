using ClassyNet.MLNet.Tensors.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class GemmTests
{
    private static readonly (int M, int N, int K)[] Sizes =
    [
        (1, 1, 1), (7, 13, 5), (65, 129, 33), (256, 300, 17), (9, 33, 513), (150, 40, 260), (3, 2100, 4), (16, 784, 144),
    ];

    private static readonly GemmPath[] ExplicitPaths = [GemmPath.Avx512, GemmPath.Avx2Fma, GemmPath.Portable];

    private static IEnumerable<GemmPath> SupportedPaths() => ExplicitPaths.Where(Gemm.IsSupported);

    /// <summary>Operands with padded strides and offsets, so the kernels must honour lda/ldb/ldc.</summary>
    private sealed class Problem
    {
        public Problem(int m, int n, int k, bool transA, bool transB, int seed)
        {
            (M, N, K, TransA, TransB) = (m, n, k, transA, transB);
            var random = new Random(seed);
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            Lda = aCols + 3;
            Ldb = bCols + 1;
            Ldc = n + 2;
            A = Fill(random, AOffset + aRows * Lda);
            B = Fill(random, BOffset + bRows * Ldb);
            C0 = Fill(random, COffset + m * Ldc);
        }

        public int M { get; }

        public int N { get; }

        public int K { get; }

        public bool TransA { get; }

        public bool TransB { get; }

        public int Lda { get; }

        public int Ldb { get; }

        public int Ldc { get; }

        public int AOffset => 5;

        public int BOffset => 2;

        public int COffset => 7;

        public float[] A { get; }

        public float[] B { get; }

        public float[] C0 { get; }

        public float GetA(int i, int p) => TransA ? A[AOffset + p * Lda + i] : A[AOffset + i * Lda + p];

        public float GetB(int p, int j) => TransB ? B[BOffset + j * Ldb + p] : B[BOffset + p * Ldb + j];

        public float[] Run(GemmPath path, int threads, bool accumulate, float[]? initial = null)
        {
            var c = (float[])(initial ?? C0).Clone();
            Gemm.Sgemm(TransA, TransB, M, N, K, A, AOffset, Lda, B, BOffset, Ldb, c, COffset, Ldc, accumulate, path, threads);
            return c;
        }

        /// <summary>Checks C against a double-precision product, with the rigorous bound (k + 2) u sum |a||b| for a float chain.</summary>
        public void AssertMatchesReference(float[] c, bool accumulate, string label)
        {
            for (int i = 0; i < M; i++)
            {
                for (int j = 0; j < N; j++)
                {
                    double exact = accumulate ? C0[COffset + i * Ldc + j] : 0.0;
                    double magnitude = Math.Abs(exact);
                    for (int p = 0; p < K; p++)
                    {
                        double term = (double)GetA(i, p) * GetB(p, j);
                        exact += term;
                        magnitude += Math.Abs(term);
                    }

                    double got = c[COffset + i * Ldc + j];
                    double tolerance = (K + 2) * 6e-8 * magnitude + 1e-30;
                    if (!(Math.Abs(got - exact) <= tolerance))
                    {
                        Assert.Fail($"{label}: C[{i},{j}] = {got:R}, expected {exact:R} (tolerance {tolerance:E2})");
                    }
                }

                // The stride padding after column n is not part of C and must be left alone.
                for (int j = N; j < Ldc && COffset + i * Ldc + j < c.Length; j++)
                {
                    Assert.AreEqual(C0[COffset + i * Ldc + j], c[COffset + i * Ldc + j], $"{label}: padding C[{i},{j}] was written");
                }
            }

            for (int x = 0; x < COffset; x++)
            {
                Assert.AreEqual(C0[x], c[x], $"{label}: element {x} before cOffset was written");
            }
        }

        private static float[] Fill(Random random, int length)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = (float)(random.NextDouble() * 2 - 1);
            }

            return values;
        }
    }

    private static IEnumerable<(bool TransA, bool TransB)> Transposes() => [(false, false), (true, false), (false, true), (true, true)];

    [TestMethod]
    public void EveryPathMatchesDoublePrecisionReferenceForEveryTransposeAndOddSizes()
    {
        Assert.IsTrue(SupportedPaths().Contains(GemmPath.Portable));
        int seed = 1;
        foreach (var (m, n, k) in Sizes)
        {
            foreach (var (ta, tb) in Transposes())
            {
                var problem = new Problem(m, n, k, ta, tb, seed++);
                foreach (var path in SupportedPaths())
                {
                    string label = $"{path} {m}x{n}x{k} transA={ta} transB={tb}";
                    problem.AssertMatchesReference(problem.Run(path, 1, accumulate: false), accumulate: false, label);
                }
            }
        }
    }

    [TestMethod]
    public void AccumulateContinuesFromCAndOverwriteIgnoresOldContents()
    {
        int seed = 100;
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 13, 5), (65, 129, 300) })
        {
            foreach (var (ta, tb) in Transposes())
            {
                var problem = new Problem(m, n, k, ta, tb, seed++);
                foreach (var path in SupportedPaths())
                {
                    string label = $"{path} {m}x{n}x{k} transA={ta} transB={tb}";
                    problem.AssertMatchesReference(problem.Run(path, 2, accumulate: true), accumulate: true, label + " accumulate");

                    // Overwrite must not read C: NaN in the output window may not leak into the result.
                    var poisoned = (float[])problem.C0.Clone();
                    for (int i = 0; i < m; i++)
                    {
                        poisoned.AsSpan(problem.COffset + i * problem.Ldc, n).Fill(float.NaN);
                    }

                    var c = problem.Run(path, 2, accumulate: false, poisoned);
                    problem.AssertMatchesReference(c, accumulate: false, label + " overwrite");
                }
            }
        }
    }

    [TestMethod]
    public void ResultsAreBitwiseIdenticalAcrossPathsAndThreadCounts()
    {
        int seed = 200;
        foreach (var (m, n, k) in new[] { (7, 13, 5), (200, 300, 150), (16, 784, 144), (300, 20, 600), (64, 2100, 40) })
        {
            foreach (var (ta, tb) in Transposes())
            {
                var problem = new Problem(m, n, k, ta, tb, seed++);
                foreach (bool accumulate in new[] { false, true })
                {
                    var expected = problem.Run(GemmPath.Portable, 1, accumulate);
                    foreach (var path in SupportedPaths())
                    {
                        foreach (int threads in new[] { 1, 2, 3 })
                        {
                            var c = problem.Run(path, threads, accumulate);
                            for (int x = 0; x < c.Length; x++)
                            {
                                if (BitConverter.SingleToInt32Bits(c[x]) != BitConverter.SingleToInt32Bits(expected[x]))
                                {
                                    Assert.Fail($"{path} threads={threads} {m}x{n}x{k} transA={ta} transB={tb} accumulate={accumulate}: element {x} is {c[x]:R}, portable single-thread gives {expected[x]:R}");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    [TestMethod]
    public void ForcedPathSelectsTheKernelForTheParallelEntryPoint()
    {
        var problem = new Problem(65, 129, 33, false, true, 7);
        var expected = problem.Run(GemmPath.Portable, 1, accumulate: false);
        var before = Gemm.ForcedPath;
        try
        {
            foreach (var path in SupportedPaths().Append(GemmPath.Auto))
            {
                Gemm.ForcedPath = path;
                var c = (float[])problem.C0.Clone();
                Gemm.Sgemm(false, true, 65, 129, 33, problem.A, problem.AOffset, problem.Lda, problem.B, problem.BOffset, problem.Ldb, c, problem.COffset, problem.Ldc, accumulate: false, parallel: true);
                CollectionAssert.AreEqual(expected, c, $"{path}");
            }

            foreach (var path in ExplicitPaths.Where(p => !Gemm.IsSupported(p)))
            {
                Assert.ThrowsExactly<ArgumentException>(() => Gemm.ForcedPath = path);
            }
        }
        finally
        {
            Gemm.ForcedPath = before;
        }
    }

    [TestMethod]
    public void ZeroDepthClearsOrKeepsC()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        Gemm.Sgemm(false, false, 2, 2, 0, [], 0, 0, [], 0, 2, c, 0, 3, accumulate: true, parallel: false);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4, 5, 6 }, c);
        Gemm.Sgemm(false, false, 2, 2, 0, [], 0, 0, [], 0, 2, c, 0, 3, accumulate: false, parallel: false);
        CollectionAssert.AreEqual(new float[] { 0, 0, 3, 0, 0, 6 }, c);
    }

    [TestMethod]
    public void TooSmallOperandNamesTheArgument()
    {
        var a = new float[6];
        var b = new float[5];
        var c = new float[4];
        var error = Assert.ThrowsExactly<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, accumulate: false, parallel: false));
        Assert.AreEqual("b", error.ParamName);
        StringAssert.Contains(error.Message, "3 x 2");
    }
}
