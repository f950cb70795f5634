using System.Numerics.Tensors;

namespace ClassyNet.MLNet.Tensors.Kernels;

/// <summary>
/// Single-precision matrix product on row-major storage:
/// C[m x n] = op(A)[m x k] * op(B)[k x n] (+ C when <c>accumulate</c>), with op = transpose when requested.
/// </summary>
internal static class Gemm
{
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
        bool accumulate, bool parallel)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (!accumulate)
        {
            for (int i = 0; i < m; i++)
            {
                c.AsSpan(cOffset + i * ldc, n).Clear();
            }
        }

        if (k == 0)
        {
            return;
        }

        // Bring B to k x n row-major so each row of C is a sum of scaled rows of B.
        float[]? packedB = null;
        int bOff = bOffset, bStride = ldb;
        if (transB)
        {
            packedB = BufferPool.Rent(k * n, clear: false);
            for (int j = 0; j < n; j++)
            {
                for (int p = 0; p < k; p++)
                {
                    packedB[p * n + j] = b[bOffset + j * ldb + p];
                }
            }

            b = packedB;
            bOff = 0;
            bStride = n;
        }

        var bArray = b;
        int chunks = parallel ? Parallelism.ChunksFor(m, 2.0 * n * k) : 1;
        Parallelism.ForChunks(m, chunks, (_, start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                var row = c.AsSpan(cOffset + i * ldc, n);
                for (int p = 0; p < k; p++)
                {
                    float s = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
                    if (s != 0f)
                    {
                        TensorPrimitives.MultiplyAdd(bArray.AsSpan(bOff + p * bStride, n), s, row, row);
                    }
                }
            }
        });

        if (packedB is not null)
        {
            BufferPool.Return(packedB);
        }
    }
}
