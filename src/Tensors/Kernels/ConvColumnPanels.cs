using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ClassyNet.MLNet.Tensors.Kernels;

/// <summary>
/// The im2col matrix of one [C, H, W] image as a <see cref="IPanelSource"/>, gathered straight from the image into
/// GEMM panels (no column buffer). Not transposed it is [C*kh*kw, OH*OW] (the B of the forward product
/// W * col); transposed it is col^T [OH*OW, C*kh*kw] (the B of the weight gradient dY * col^T).
/// </summary>
internal readonly unsafe struct ConvColumnPanels : IPanelSource
{
    private readonly float[] _image;
    private readonly int _offset;
    private readonly int[] _table;
    private readonly int _kernelArea;
    private readonly int _cols;
    private readonly int _plane;
    private readonly bool _transposed;

    /// <summary>
    /// Wraps the image at <paramref name="offset"/> in <paramref name="image"/>; <paramref name="table"/> is
    /// <see cref="BuildTable"/>'s output for <paramref name="geometry"/>.
    /// </summary>
    public ConvColumnPanels(float[] image, int offset, in ConvGeometry geometry, int[] table, bool transposed)
    {
        _image = image;
        _offset = offset;
        _table = table;
        _kernelArea = geometry.KernelH * geometry.KernelW;
        _cols = geometry.ColumnCols;
        _plane = geometry.Height * geometry.Width;
        _transposed = transposed;
    }

    /// <summary>Length of the gather table of <paramref name="geometry"/>: kh * kw * OH * OW.</summary>
    public static int TableLength(in ConvGeometry geometry) => geometry.KernelH * geometry.KernelW * geometry.ColumnCols;

    /// <summary>
    /// Fills <paramref name="table"/>[(ki * kw + kj) * OH*OW + y * OW + x] with the offset inside a channel plane that
    /// output pixel (y, x) reads at kernel tap (ki, kj), or -1 where the tap falls in the zero padding.
    /// </summary>
    public static void BuildTable(in ConvGeometry g, Span<int> table)
    {
        int oh = g.OutHeight, ow = g.OutWidth, cols = oh * ow;
        for (int ki = 0; ki < g.KernelH; ki++)
        {
            for (int kj = 0; kj < g.KernelW; kj++)
            {
                var row = table.Slice((ki * g.KernelW + kj) * cols, cols);
                for (int y = 0; y < oh; y++)
                {
                    int iy = y * g.StrideH - g.PadH + ki * g.DilationH;
                    for (int x = 0; x < ow; x++)
                    {
                        int ix = x * g.StrideW - g.PadW + kj * g.DilationW;
                        row[y * ow + x] = (uint)iy < (uint)g.Height && (uint)ix < (uint)g.Width ? iy * g.Width + ix : -1;
                    }
                }
            }
        }
    }

    /// <inheritdoc />
    public void Pack(int p0, int j0, int kc, int nc, int nr, float* dst)
    {
        fixed (float* imageBase = _image)
        fixed (int* table = _table)
        {
            float* image = imageBase + _offset;
            for (int jr = 0; jr < nc; jr += nr)
            {
                int width = Math.Min(nr, nc - jr);
                float* panel = dst + jr * kc;
                if (_transposed)
                {
                    // B(p, j) = col[j, p]: p is an output pixel, j a (channel, tap) row of col.
                    int j0Scalar = 0;
                    if (Avx2.IsSupported)
                    {
                        j0Scalar = PackTransposedAvx2(image, table, p0, j0 + jr, kc, width, nr, panel);
                    }

                    for (int j = j0Scalar; j < width; j++)
                    {
                        int row = j0 + jr + j;
                        int channel = row / _kernelArea;
                        float* plane = image + channel * _plane;
                        int* offsets = table + (row - channel * _kernelArea) * _cols + p0;
                        float* d = panel + j;
                        for (int p = 0; p < kc; p++)
                        {
                            int o = offsets[p];
                            d[p * nr] = o >= 0 ? plane[o] : 0f;
                        }
                    }

                    for (int j = width; j < nr; j++)
                    {
                        float* d = panel + j;
                        for (int p = 0; p < kc; p++)
                        {
                            d[p * nr] = 0f;
                        }
                    }
                }
                else
                {
                    // B(p, j) = col[p, j]: p is a (channel, tap) row of col, j an output pixel.
                    for (int p = 0; p < kc; p++)
                    {
                        int row = p0 + p;
                        int channel = row / _kernelArea;
                        float* plane = image + channel * _plane;
                        int* offsets = table + (row - channel * _kernelArea) * _cols + j0 + jr;
                        float* d = panel + p * nr;
                        int j = 0;
                        if (Avx2.IsSupported)
                        {
                            // Masked gather: lanes whose tap falls in the padding (offset -1) are not read and stay 0.
                            var iota = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
                            for (; j <= width - 8; j += 8)
                            {
                                var index = Vector256.Load(offsets + j);
                                int first = offsets[j];
                                if (first >= 0 && Vector256.EqualsAll(index, Vector256.Create(first) + iota))
                                {
                                    // Eight neighbouring pixels of one image row: a plain load.
                                    Vector256.Load(plane + first).Store(d + j);
                                    continue;
                                }

                                var inside = Vector256.GreaterThanOrEqual(index, Vector256<int>.Zero).AsSingle();
                                Avx2.GatherMaskVector256(Vector256<float>.Zero, plane, index, inside, 4).Store(d + j);
                            }
                        }

                        for (; j < width; j++)
                        {
                            int o = offsets[j];
                            d[j] = o >= 0 ? plane[o] : 0f;
                        }

                        for (; j < nr; j++)
                        {
                            d[j] = 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Transposed packing of the first <c>width / 8 * 8</c> columns of a panel: eight masked gathers (one per column,
    /// eight pixels each) and an 8x8 register transpose per 8x8 block. Returns the first column left to the scalar loop.
    /// </summary>
    private int PackTransposedAvx2(float* image, int* table, int p0, int jStart, int kc, int width, int nr, float* panel)
    {
        int blocks = width / 8 * 8;
        var planes = stackalloc float*[8];
        var offsets = stackalloc int*[8];
        for (int jb = 0; jb < blocks; jb += 8)
        {
            for (int q = 0; q < 8; q++)
            {
                int row = jStart + jb + q;
                int channel = row / _kernelArea;
                planes[q] = image + channel * _plane;
                offsets[q] = table + (row - channel * _kernelArea) * _cols + p0;
            }

            int p = 0;
            for (; p <= kc - 8; p += 8)
            {
                var r0 = Gather(planes[0], offsets[0] + p);
                var r1 = Gather(planes[1], offsets[1] + p);
                var r2 = Gather(planes[2], offsets[2] + p);
                var r3 = Gather(planes[3], offsets[3] + p);
                var r4 = Gather(planes[4], offsets[4] + p);
                var r5 = Gather(planes[5], offsets[5] + p);
                var r6 = Gather(planes[6], offsets[6] + p);
                var r7 = Gather(planes[7], offsets[7] + p);
                SimdTranspose.Store8x8(r0, r1, r2, r3, r4, r5, r6, r7, panel + p * nr + jb, nr);
            }

            for (; p < kc; p++)
            {
                float* d = panel + p * nr + jb;
                for (int q = 0; q < 8; q++)
                {
                    int o = offsets[q][p];
                    d[q] = o >= 0 ? planes[q][o] : 0f;
                }
            }
        }

        return blocks;
    }

    /// <summary>Eight values plane[offsets[i]], 0 where the offset is -1 (padding; those lanes are not read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Gather(float* plane, int* offsets)
    {
        var index = Vector256.Load(offsets);
        var inside = Vector256.GreaterThanOrEqual(index, Vector256<int>.Zero).AsSingle();
        return Avx2.GatherMaskVector256(Vector256<float>.Zero, plane, index, inside, 4);
    }
}
