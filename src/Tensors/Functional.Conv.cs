using System.Buffers;
using System.Numerics.Tensors;
using ClassyNet.MLNet.Tensors.Kernels;

namespace ClassyNet.MLNet.Tensors;

public static partial class Functional
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in PyTorch) of input [N, C, H, W] with weight [OC, C, kh, kw] and an
    /// optional bias [OC]. Stride and padding are (height, width).
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, (int H, int W)? stride = null, (int H, int W)? padding = null, (int H, int W)? dilation = null)
    {
        var (sh, sw) = stride ?? (1, 1);
        var (ph, pw) = padding ?? (0, 0);
        var (dh, dw) = dilation ?? (1, 1);
        RequireRank("Conv2d", nameof(weight), weight, 4, "[out_channels, in_channels, kH, kW]");
        RequireRank("Conv2d", nameof(input), input, 4, "[N, C, H, W]");
        if (input.Size(1) != weight.Size(1))
        {
            throw ShapeError("Conv2d", nameof(input), input, $"{weight.Size(1)} channels to match weight {weight.ShapeString}");
        }

        if (sh < 1 || sw < 1 || ph < 0 || pw < 0 || dh < 1 || dw < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), $"Conv2d: stride ({sh}, {sw}) and dilation ({dh}, {dw}) must be >= 1 and padding ({ph}, {pw}) >= 0.");
        }

        int oc = weight.Size(0);
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != oc))
        {
            throw ShapeError("Conv2d", nameof(bias), bias, $"[{oc}]");
        }

        var geo = new ConvGeometry(input.Size(1), input.Size(2), input.Size(3), weight.Size(2), weight.Size(3), sh, sw, ph, pw, dh, dw);
        if (geo.OutHeight < 1 || geo.OutWidth < 1)
        {
            throw ShapeError("Conv2d", nameof(input), input, $"a spatial size of at least the dilated kernel ({weight.Size(2)}x{weight.Size(3)}) after padding ({ph}, {pw})");
        }

        int n = input.Size(0);
        var output = Tensor.Empty(n, oc, geo.OutHeight, geo.OutWidth);
        ConvForward(geo, input.Array, weight.Array, bias?.Array, output.Array, n, oc);
        MacCounter.Add((long)n * oc * geo.ColumnRows * geo.ColumnCols);

        var inputs = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
        if (Autograd.NeedsGrad(inputs))
        {
            Autograd.Record(output, "ConvolutionBackward", inputs, g =>
            {
                var gi = input.RequiresGrad ? Tensor.Zeros(input.Shape.ToArray()) : null;
                var gw = weight.RequiresGrad ? Tensor.Zeros(weight.Shape.ToArray()) : null;
                ConvBackward(geo, input.Array, weight.Array, g.Array, gi?.Array, gw?.Array, n, oc);
                Tensor? gb = null;
                if (bias is not null && bias.RequiresGrad)
                {
                    gb = Tensor.Zeros(oc);
                    var gbs = gb.AsSpan();
                    var gs = g.AsSpan();
                    int plane = geo.ColumnCols;
                    for (int s = 0; s < n; s++)
                    {
                        for (int o = 0; o < oc; o++)
                        {
                            gbs[o] += TensorPrimitives.Sum(gs.Slice((s * oc + o) * plane, plane));
                        }
                    }
                }

                return bias is null ? [gi, gw] : [gi, gw, gb];
            });
        }

        return output;
    }

    private static void ConvForward(ConvGeometry geo, float[] x, float[] w, float[]? b, float[] y, int n, int oc)
    {
        int rows = geo.ColumnRows, cols = geo.ColumnCols;
        int inPlane = geo.Channels * geo.Height * geo.Width;
        int outPlane = oc * cols;
        bool direct = DirectConv3x3.Supports(geo, oc);
        int[]? table = direct ? null : RentGatherTable(geo);
        int chunks = Parallelism.ChunksFor(n, 2.0 * oc * rows * cols);
        bool innerParallel = chunks == 1;
        Parallelism.ForChunks(n, chunks, (_, start, end) =>
        {
            float[]? scratch = direct ? BufferPool.Rent(DirectConv3x3.ScratchLength(geo), clear: false) : null;
            for (int s = start; s < end; s++)
            {
                if (b is not null)
                {
                    for (int o = 0; o < oc; o++)
                    {
                        y.AsSpan(s * outPlane + o * cols, cols).Fill(b[o]);
                    }
                }

                if (scratch is not null)
                {
                    DirectConv3x3.Forward(geo, x, s * inPlane, w, oc, y, s * outPlane, accumulate: b is not null, scratch);
                }
                else if (table is null)
                {
                    Gemm.Sgemm(false, false, oc, cols, rows, w, 0, rows, x, s * inPlane, cols, y, s * outPlane, cols, accumulate: b is not null, parallel: innerParallel);
                }
                else
                {
                    // y[oc, cols] = W[oc, rows] * col[rows, cols], with col gathered from the image while packing.
                    var columns = new ConvColumnPanels(x, s * inPlane, geo, table, transposed: false);
                    Gemm.Sgemm(false, oc, cols, rows, w, 0, rows, columns, y, s * outPlane, cols, accumulate: b is not null, parallel: innerParallel);
                }
            }

            if (scratch is not null)
            {
                BufferPool.Return(scratch);
            }
        });

        ReturnGatherTable(table);
    }

    /// <summary>The im2col gather table of <paramref name="geo"/> (null for a pointwise convolution, whose column matrix is the image).</summary>
    private static int[]? RentGatherTable(in ConvGeometry geo)
    {
        if (geo.IsPointwise)
        {
            return null;
        }

        int length = ConvColumnPanels.TableLength(geo);
        var table = ArrayPool<int>.Shared.Rent(length);
        ConvColumnPanels.BuildTable(geo, table.AsSpan(0, length));
        return table;
    }

    private static void ReturnGatherTable(int[]? table)
    {
        if (table is not null)
        {
            ArrayPool<int>.Shared.Return(table);
        }
    }

    private static void ConvBackward(ConvGeometry geo, float[] x, float[] w, float[] gy, float[]? gx, float[]? gw, int n, int oc)
    {
        int rows = geo.ColumnRows, cols = geo.ColumnCols;
        int inPlane = geo.Channels * geo.Height * geo.Width;
        int outPlane = oc * cols;
        int[]? table = gw is null ? null : RentGatherTable(geo);

        // A 3x3 stride-1 pad-1 convolution's input gradient is itself such a convolution of dY with the flipped,
        // channel-transposed weights: run it on the direct kernel instead of SGEMM + col2im.
        var transposedGeo = new ConvGeometry(oc, geo.OutHeight, geo.OutWidth, 3, 3, 1, 1, 1, 1);
        float[]? flipped = null;
        if (gx is not null && geo.KernelH == 3 && geo.KernelW == 3 && geo.StrideH == 1 && geo.StrideW == 1 && geo.PadH == 1 && geo.PadW == 1
            && geo.DilationH == 1 && geo.DilationW == 1 && DirectConv3x3.Supports(transposedGeo, geo.Channels))
        {
            flipped = BufferPool.Rent(geo.Channels * oc * 9, clear: false);
            for (int o = 0; o < oc; o++)
            {
                for (int c = 0; c < geo.Channels; c++)
                {
                    for (int t = 0; t < 9; t++)
                    {
                        flipped[((c * oc) + o) * 9 + t] = w[((o * geo.Channels) + c) * 9 + (8 - t)];
                    }
                }
            }
        }

        int chunks = Parallelism.ChunksFor(n, 4.0 * oc * rows * cols);
        bool innerParallel = chunks == 1;
        var partialW = gw is null ? null : new float[chunks][];
        Parallelism.ForChunks(n, chunks, (chunk, start, end) =>
        {
            float[]? col = geo.IsPointwise || gx is null || flipped is not null ? null : BufferPool.Rent(rows * cols, clear: false);
            float[]? scratch = flipped is null ? null : BufferPool.Rent(DirectConv3x3.ScratchLength(transposedGeo), clear: false);
            float[]? accW = null;
            if (partialW is not null)
            {
                accW = chunk == 0 ? gw! : BufferPool.Rent(oc * rows, clear: true);
                partialW[chunk] = accW;
            }

            for (int s = start; s < end; s++)
            {
                if (accW is not null)
                {
                    // dW[oc, rows] += dY[oc, cols] * col[rows, cols]^T
                    if (table is null)
                    {
                        Gemm.Sgemm(false, true, oc, rows, cols, gy, s * outPlane, cols, x, s * inPlane, cols, accW, 0, rows, accumulate: true, parallel: innerParallel);
                    }
                    else
                    {
                        var columnsT = new ConvColumnPanels(x, s * inPlane, geo, table, transposed: true);
                        Gemm.Sgemm(false, oc, rows, cols, gy, s * outPlane, cols, columnsT, accW, 0, rows, accumulate: true, parallel: innerParallel);
                    }
                }

                if (gx is not null)
                {
                    if (scratch is not null)
                    {
                        // dX[C, H, W] = conv3x3(dY[OC, H, W], flipped[C, OC, 3, 3])
                        DirectConv3x3.Forward(transposedGeo, gy, s * outPlane, flipped!, geo.Channels, gx, s * inPlane, accumulate: false, scratch);
                    }
                    else if (col is null)
                    {
                        // Pointwise: dX[C, HW] = W^T[C, OC] * dY[OC, HW]
                        Gemm.Sgemm(true, false, rows, cols, oc, w, 0, rows, gy, s * outPlane, cols, gx, s * inPlane, cols, accumulate: true, parallel: innerParallel);
                    }
                    else
                    {
                        Gemm.Sgemm(true, false, rows, cols, oc, w, 0, rows, gy, s * outPlane, cols, col, 0, cols, accumulate: false, parallel: innerParallel);
                        Im2Col.Fold(geo, col, gx.AsSpan(s * inPlane, inPlane));
                    }
                }
            }

            if (col is not null)
            {
                BufferPool.Return(col);
            }

            if (scratch is not null)
            {
                BufferPool.Return(scratch);
            }
        });

        ReturnGatherTable(table);
        if (flipped is not null)
        {
            BufferPool.Return(flipped);
        }

        if (partialW is not null)
        {
            for (int c = 1; c < chunks; c++)
            {
                TensorPrimitives.Add(gw, partialW[c].AsSpan(0, gw!.Length), gw);
                BufferPool.Return(partialW[c]);
            }
        }
    }
}
