using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ClassyNet.MLNet.Tensors.Kernels;

/// <summary>
/// Single-precision matrix product on row-major storage:
/// C[m x n] = op(A)[m x k] * op(B)[k x n] (+ C when <c>accumulate</c>), with op = transpose when requested.
/// </summary>
/// <remarks>
/// <para>
/// Packed, blocked SGEMM in the GotoBLAS/BLIS layout: B is packed into k-blocks of <c>NR</c>-column panels, A into
/// <c>MR</c>-row panels, and a register-tile micro-kernel (AVX-512 8x32, AVX2+FMA 6x16 or portable
/// <see cref="Vector{T}"/> 4x2V) multiplies one A panel by one B panel. Pack buffers come from <see cref="BufferPool"/>.
/// </para>
/// <para>
/// Determinism: every element of C is one in-order chain of fused multiply-adds over k, starting from 0 (or from C
/// when accumulating). k-blocking stores the partial chain in C and reloads it for the next block (exact in float),
/// and work is split between threads by whole output rows or columns, so the bits do not depend on the kernel path,
/// the block sizes or the thread count.
/// </para>
/// </remarks>
internal static unsafe class Gemm
{
    /// <summary>Depth of a k-block (rows of a packed B panel).</summary>
    private const int KC = 256;

    /// <summary>Rows of A packed at once; a multiple of every MR (8, 6, 4).</summary>
    private const int MC = 144;

    /// <summary>Columns of B packed at once; a multiple of every NR.</summary>
    private const int NC = 2048;

    /// <summary>Below this many flops (2mnk) the product runs on the calling thread.</summary>
    private const double ParallelThresholdFlops = 4e6;

    private static GemmPath _forcedPath;

    /// <summary>
    /// Kernel family to use; <see cref="GemmPath.Auto"/> (the default) picks the best the processor supports.
    /// Tests force each path; all paths give bitwise identical results.
    /// </summary>
    public static GemmPath ForcedPath
    {
        get => _forcedPath;
        set
        {
            if (!IsSupported(value))
            {
                throw new ArgumentException($"Gemm.ForcedPath: the processor does not support the {value} kernel.", nameof(value));
            }

            _forcedPath = value;
        }
    }

    /// <summary>The kernel family a call with <see cref="GemmPath.Auto"/> uses on this processor.</summary>
    public static GemmPath BestPath { get; } =
        Avx512F.IsSupported ? GemmPath.Avx512 : Fma.IsSupported && Avx2.IsSupported ? GemmPath.Avx2Fma : GemmPath.Portable;

    /// <summary>True when <paramref name="path"/> can run on this processor.</summary>
    public static bool IsSupported(GemmPath path) => path switch
    {
        GemmPath.Auto or GemmPath.Portable => true,
        GemmPath.Avx512 => Avx512F.IsSupported,
        GemmPath.Avx2Fma => Fma.IsSupported && Avx2.IsSupported,
        _ => false,
    };

    /// <summary>
    /// Computes the product. <paramref name="lda"/>, <paramref name="ldb"/> and <paramref name="ldc"/> are the row strides of
    /// A, B and C as stored (A is k x m when <paramref name="transA"/>, B is n x k when <paramref name="transB"/>).
    /// <paramref name="parallel"/> lets the kernel split the work across <see cref="Parallelism.ThreadCount"/> threads.
    /// </summary>
    public static void Sgemm(
        bool transA, bool transB, int m, int n, int k,
        float[] a, int aOffset, int lda,
        float[] b, int bOffset, int ldb,
        float[] c, int cOffset, int ldc,
        bool accumulate, bool parallel) =>
        Sgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate, _forcedPath, parallel ? Parallelism.ThreadCount : 1);

    /// <summary>
    /// Computes the product with an explicit kernel <paramref name="path"/> and at most <paramref name="threads"/> threads
    /// (the thread count is only an upper bound: small products run on the calling thread).
    /// </summary>
    public static void Sgemm(
        bool transA, bool transB, int m, int n, int k,
        float[] a, int aOffset, int lda,
        float[] b, int bOffset, int ldb,
        float[] c, int cOffset, int ldc,
        bool accumulate, GemmPath path, int threads)
    {
        if (m > 0 && n > 0)
        {
            CheckExtent(nameof(b), b, bOffset, ldb, transB ? n : k, transB ? k : n);
        }

        Sgemm(transA, m, n, k, a, aOffset, lda, new DenseMatrixPanels(b, bOffset, ldb, transB), c, cOffset, ldc, accumulate, path, threads);
    }

    /// <summary>
    /// Computes C = op(A) * B (+ C) where B is any <see cref="IPanelSource"/> (a dense matrix, or a convolution's
    /// column matrix gathered straight from the image), so B need not exist in memory.
    /// </summary>
    public static void Sgemm<TB>(
        bool transA, int m, int n, int k,
        float[] a, int aOffset, int lda,
        TB b,
        float[] c, int cOffset, int ldc,
        bool accumulate, bool parallel)
        where TB : struct, IPanelSource =>
        Sgemm(transA, m, n, k, a, aOffset, lda, b, c, cOffset, ldc, accumulate, _forcedPath, parallel ? Parallelism.ThreadCount : 1);

    /// <summary>The generic product with an explicit kernel path and thread bound.</summary>
    public static void Sgemm<TB>(
        bool transA, int m, int n, int k,
        float[] a, int aOffset, int lda,
        TB b,
        float[] c, int cOffset, int ldc,
        bool accumulate, GemmPath path, int threads)
        where TB : struct, IPanelSource
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (m == 0 || n == 0)
        {
            return;
        }

        CheckExtent(nameof(a), a, aOffset, lda, transA ? k : m, transA ? m : k);
        CheckExtent(nameof(c), c, cOffset, ldc, m, n);
        if (path == GemmPath.Auto)
        {
            path = BestPath;
        }
        else if (!IsSupported(path))
        {
            throw new ArgumentException($"Gemm.Sgemm: the processor does not support the {path} kernel.", nameof(path));
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                {
                    c.AsSpan(cOffset + i * ldc, n).Clear();
                }
            }

            return;
        }

        var (mr, nr) = TileOf(path);
        var job = new Job<TB>(path, transA, k, a, aOffset, lda, b, c, cOffset, ldc, accumulate);
        int chunks = 1;
        bool splitColumns = true;
        if (threads > 1 && 2.0 * m * n * k >= ParallelThresholdFlops)
        {
            int columnPanels = (n + nr - 1) / nr;
            int rowPanels = (m + mr - 1) / mr;
            splitColumns = columnPanels >= rowPanels;
            chunks = Math.Min(threads, splitColumns ? columnPanels : rowPanels);
        }

        if (chunks <= 1)
        {
            job.Run(0, m, 0, n);
            return;
        }

        RunParallel(job, chunks, splitColumns, m, n, mr, nr);
    }

    /// <summary>Splits C into <paramref name="chunks"/> blocks of whole row or column panels, one per thread.</summary>
    private static void RunParallel<TB>(Job<TB> job, int chunks, bool splitColumns, int m, int n, int mr, int nr)
        where TB : struct, IPanelSource
    {
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, chunk =>
        {
            if (splitColumns)
            {
                var (start, end) = Parallelism.Range((n + nr - 1) / nr, chunks, chunk);
                job.Run(0, m, start * nr, Math.Min(n, end * nr));
            }
            else
            {
                var (start, end) = Parallelism.Range((m + mr - 1) / mr, chunks, chunk);
                job.Run(start * mr, Math.Min(m, end * mr), 0, n);
            }
        });
    }

    private static void CheckExtent(string name, float[] array, int offset, int ld, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        if (offset < 0 || ld < cols || (rows > 0 && cols > 0 && (long)offset + (long)(rows - 1) * ld + cols > array.Length))
        {
            throw new ArgumentException(
                $"Gemm.Sgemm: {name} needs {rows} x {cols} elements at offset {offset} with row stride {ld} (>= {cols}), but holds {array.Length}.",
                name);
        }
    }

    private static (int Mr, int Nr) TileOf(GemmPath path) => path switch
    {
        GemmPath.Avx512 => (8, 32),
        GemmPath.Avx2Fma => (6, 16),
        _ => (4, 2 * Vector<float>.Count),
    };

    /// <summary>One product; <see cref="Run"/> computes the block C[i0..i1, j0..j1] sequentially.</summary>
    private sealed class Job<TB>(
        GemmPath path, bool transA, int k,
        float[] a, int aOffset, int lda,
        TB b,
        float[] c, int cOffset, int ldc,
        bool accumulate)
        where TB : struct, IPanelSource
    {
        public void Run(int i0, int i1, int j0, int j1)
        {
            var (mr, nr) = TileOf(path);
            int rows = i1 - i0, cols = j1 - j0;
            int kc0 = Math.Min(k, KC);
            int packALength = Math.Max(256, Math.Min(MC, (rows + mr - 1) / mr * mr) * kc0);
            int packBLength = Math.Max(256, Math.Min(NC, (cols + nr - 1) / nr * nr) * kc0);
            float[] packA = BufferPool.Rent(packALength, clear: false);
            float[] packB = BufferPool.Rent(packBLength, clear: false);
            try
            {
                fixed (float* pa = a, pc = c, bufA = packA, bufB = packB)
                {
                    float* tile = stackalloc float[mr * nr];
                    float* aBase = pa + aOffset;
                    float* cBase = pc + cOffset;
                    for (int jc = j0; jc < j1; jc += NC)
                    {
                        int nc = Math.Min(NC, j1 - jc);
                        for (int p0 = 0; p0 < k; p0 += KC)
                        {
                            int kc = Math.Min(KC, k - p0);
                            bool load = accumulate || p0 > 0;
                            b.Pack(p0, jc, kc, nc, nr, bufB);
                            for (int ic = i0; ic < i1; ic += MC)
                            {
                                int mc = Math.Min(MC, i1 - ic);
                                PackA(transA, aBase, lda, ic, p0, mc, kc, mr, bufA);
                                for (int jr = 0; jr < nc; jr += nr)
                                {
                                    int nrr = Math.Min(nr, nc - jr);
                                    float* bp = bufB + jr * kc;
                                    for (int ir = 0; ir < mc; ir += mr)
                                    {
                                        int mrr = Math.Min(mr, mc - ir);
                                        float* ap = bufA + ir * kc;
                                        float* cp = cBase + (long)(ic + ir) * ldc + jc + jr;
                                        if (mrr == mr && nrr == nr)
                                        {
                                            Kernel(path, kc, ap, bp, cp, ldc, load);
                                        }
                                        else
                                        {
                                            EdgeTile(path, kc, ap, bp, cp, ldc, load, mrr, nrr, mr, nr, tile);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            finally
            {
                BufferPool.Return(packA);
                BufferPool.Return(packB);
            }
        }
    }

    private static void EdgeTile(GemmPath path, int kc, float* ap, float* bp, float* cp, int ldc, bool load, int mrr, int nrr, int mr, int nr, float* tile)
    {
        if (load)
        {
            for (int i = 0; i < mrr; i++)
            {
                new ReadOnlySpan<float>(cp + (long)i * ldc, nrr).CopyTo(new Span<float>(tile + i * nr, nrr));
            }
        }

        Kernel(path, kc, ap, bp, tile, nr, load);
        for (int i = 0; i < mrr; i++)
        {
            new ReadOnlySpan<float>(tile + i * nr, nrr).CopyTo(new Span<float>(cp + (long)i * ldc, nrr));
        }
    }

    /// <summary>Packs A[i0..i0+mc, p0..p0+kc] into MR-row panels, each kc x MR (row index fastest), zero-padded.</summary>
    private static void PackA(bool transA, float* a, int lda, int i0, int p0, int mc, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + ir * kc;
            if (transA)
            {
                // A(i, p) = a[p * lda + i]: each p gives `rows` contiguous values.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(p0 + p) * lda + i0 + ir;
                    float* d = panel + p * mr;
                    int i = 0;
                    for (; i < rows; i++)
                    {
                        d[i] = src[i];
                    }

                    for (; i < mr; i++)
                    {
                        d[i] = 0f;
                    }
                }
            }
            else
            {
                // A(i, p) = a[i * lda + p]: read each row contiguously, write with stride MR.
                int pStart = 0;
                if (mr == 8 && rows == 8 && Avx.IsSupported)
                {
                    float* s0 = a + (long)(i0 + ir) * lda + p0;
                    for (; pStart <= kc - 8; pStart += 8)
                    {
                        float* s = s0 + pStart;
                        SimdTranspose.Store8x8(
                            Vector256.Load(s), Vector256.Load(s + lda), Vector256.Load(s + 2 * lda), Vector256.Load(s + 3 * lda),
                            Vector256.Load(s + 4 * lda), Vector256.Load(s + 5 * lda), Vector256.Load(s + 6 * lda), Vector256.Load(s + 7 * lda),
                            panel + pStart * 8,
                            8);
                    }
                }

                for (int i = 0; i < rows; i++)
                {
                    float* src = a + (long)(i0 + ir + i) * lda + p0;
                    float* d = panel + i;
                    for (int p = pStart; p < kc; p++)
                    {
                        d[p * mr] = src[p];
                    }
                }

                for (int i = rows; i < mr; i++)
                {
                    float* d = panel + i;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * mr] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Packs B[p0..p0+kc, j0..j0+nc] into NR-column panels, each kc x NR (column index fastest), zero-padded.</summary>
    internal static void PackB(bool transB, float* b, int ldb, int p0, int j0, int kc, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + jr * kc;
            if (transB)
            {
                // B(p, j) = b[j * ldb + p]: read each stored row contiguously, write with stride NR.
                for (int j = 0; j < cols; j++)
                {
                    float* src = b + (long)(j0 + jr + j) * ldb + p0;
                    float* d = panel + j;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr] = src[p];
                    }
                }

                for (int j = cols; j < nr; j++)
                {
                    float* d = panel + j;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr] = 0f;
                    }
                }
            }
            else if (cols == nr)
            {
                for (int p = 0; p < kc; p++)
                {
                    new ReadOnlySpan<float>(b + (long)(p0 + p) * ldb + j0 + jr, nr).CopyTo(new Span<float>(panel + p * nr, nr));
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    var d = new Span<float>(panel + p * nr, nr);
                    new ReadOnlySpan<float>(b + (long)(p0 + p) * ldb + j0 + jr, cols).CopyTo(d);
                    d[cols..].Clear();
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(GemmPath path, int kc, float* a, float* b, float* c, int ldc, bool load)
    {
        switch (path)
        {
            case GemmPath.Avx512:
                KernelAvx512(kc, a, b, c, ldc, load);
                break;
            case GemmPath.Avx2Fma:
                KernelAvx2(kc, a, b, c, ldc, load);
                break;
            default:
                KernelPortable(kc, a, b, c, ldc, load);
                break;
        }
    }

    /// <summary>C[8 x 32] (+)= A panel [kc x 8] * B panel [kc x 32].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelAvx512(int kc, float* a, float* b, float* c, int ldc, bool load)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        float* r0 = c, r1 = c + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
        if (load)
        {
            c00 = Vector512.Load(r0); c01 = Vector512.Load(r0 + 16);
            c10 = Vector512.Load(r1); c11 = Vector512.Load(r1 + 16);
            c20 = Vector512.Load(r2); c21 = Vector512.Load(r2 + 16);
            c30 = Vector512.Load(r3); c31 = Vector512.Load(r3 + 16);
            c40 = Vector512.Load(r4); c41 = Vector512.Load(r4 + 16);
            c50 = Vector512.Load(r5); c51 = Vector512.Load(r5 + 16);
            c60 = Vector512.Load(r6); c61 = Vector512.Load(r6 + 16);
            c70 = Vector512.Load(r7); c71 = Vector512.Load(r7 + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }

        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(x, b0, c00); c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(x, b0, c10); c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(x, b0, c20); c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(x, b0, c30); c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(x, b0, c40); c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(x, b0, c50); c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(x, b0, c60); c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(x, b0, c70); c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
            a += 8;
            b += 32;
        }

        c00.Store(r0); c01.Store(r0 + 16);
        c10.Store(r1); c11.Store(r1 + 16);
        c20.Store(r2); c21.Store(r2 + 16);
        c30.Store(r3); c31.Store(r3 + 16);
        c40.Store(r4); c41.Store(r4 + 16);
        c50.Store(r5); c51.Store(r5 + 16);
        c60.Store(r6); c61.Store(r6 + 16);
        c70.Store(r7); c71.Store(r7 + 16);
    }

    /// <summary>C[6 x 16] (+)= A panel [kc x 6] * B panel [kc x 16].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelAvx2(int kc, float* a, float* b, float* c, int ldc, bool load)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        float* r0 = c, r1 = c + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (load)
        {
            c00 = Vector256.Load(r0); c01 = Vector256.Load(r0 + 8);
            c10 = Vector256.Load(r1); c11 = Vector256.Load(r1 + 8);
            c20 = Vector256.Load(r2); c21 = Vector256.Load(r2 + 8);
            c30 = Vector256.Load(r3); c31 = Vector256.Load(r3 + 8);
            c40 = Vector256.Load(r4); c41 = Vector256.Load(r4 + 8);
            c50 = Vector256.Load(r5); c51 = Vector256.Load(r5 + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = Vector256<float>.Zero;
            c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }

        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
            a += 6;
            b += 16;
        }

        c00.Store(r0); c01.Store(r0 + 8);
        c10.Store(r1); c11.Store(r1 + 8);
        c20.Store(r2); c21.Store(r2 + 8);
        c30.Store(r3); c31.Store(r3 + 8);
        c40.Store(r4); c41.Store(r4 + 8);
        c50.Store(r5); c51.Store(r5 + 8);
    }

    /// <summary>C[4 x 2V] (+)= A panel [kc x 4] * B panel [kc x 2V], V = <see cref="Vector{T}.Count"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelPortable(int kc, float* a, float* b, float* c, int ldc, bool load)
    {
        int v = Vector<float>.Count;
        Vector<float> c00, c01, c10, c11, c20, c21, c30, c31;
        float* r0 = c, r1 = c + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (load)
        {
            c00 = Vector.Load(r0); c01 = Vector.Load(r0 + v);
            c10 = Vector.Load(r1); c11 = Vector.Load(r1 + v);
            c20 = Vector.Load(r2); c21 = Vector.Load(r2 + v);
            c30 = Vector.Load(r3); c31 = Vector.Load(r3 + v);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector<float>.Zero;
        }

        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector.Load(b);
            var b1 = Vector.Load(b + v);
            var x = new Vector<float>(a[0]);
            c00 = Vector.FusedMultiplyAdd(x, b0, c00); c01 = Vector.FusedMultiplyAdd(x, b1, c01);
            x = new Vector<float>(a[1]);
            c10 = Vector.FusedMultiplyAdd(x, b0, c10); c11 = Vector.FusedMultiplyAdd(x, b1, c11);
            x = new Vector<float>(a[2]);
            c20 = Vector.FusedMultiplyAdd(x, b0, c20); c21 = Vector.FusedMultiplyAdd(x, b1, c21);
            x = new Vector<float>(a[3]);
            c30 = Vector.FusedMultiplyAdd(x, b0, c30); c31 = Vector.FusedMultiplyAdd(x, b1, c31);
            a += 4;
            b += 2 * v;
        }

        c00.Store(r0); c01.Store(r0 + v);
        c10.Store(r1); c11.Store(r1 + v);
        c20.Store(r2); c21.Store(r2 + v);
        c30.Store(r3); c31.Store(r3 + v);
    }
}
