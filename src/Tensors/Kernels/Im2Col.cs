namespace ClassyNet.MLNet.Tensors.Kernels;

/// <summary>Geometry of a 2-D convolution or pooling window over one [C, H, W] image.</summary>
internal readonly record struct ConvGeometry(
    int Channels, int Height, int Width, int KernelH, int KernelW,
    int StrideH, int StrideW, int PadH, int PadW, int DilationH = 1, int DilationW = 1)
{
    public int OutHeight => ((Height + 2 * PadH - DilationH * (KernelH - 1) - 1) / StrideH) + 1;

    public int OutWidth => ((Width + 2 * PadW - DilationW * (KernelW - 1) - 1) / StrideW) + 1;

    /// <summary>Rows of the column matrix: C * kh * kw.</summary>
    public int ColumnRows => Channels * KernelH * KernelW;

    /// <summary>Columns of the column matrix: OH * OW.</summary>
    public int ColumnCols => OutHeight * OutWidth;

    /// <summary>True when the column matrix is the image itself (1x1 kernel, stride 1, no padding).</summary>
    public bool IsPointwise => KernelH == 1 && KernelW == 1 && StrideH == 1 && StrideW == 1 && PadH == 0 && PadW == 0;
}

/// <summary>Unfolds an image into the column matrix of a convolution (im2col) and folds gradients back (col2im).</summary>
internal static class Im2Col
{
    /// <summary>Writes the [C*kh*kw, OH*OW] column matrix of <paramref name="image"/> (one [C, H, W] image) to <paramref name="columns"/>.</summary>
    public static void Unfold(in ConvGeometry g, ReadOnlySpan<float> image, Span<float> columns)
    {
        int oh = g.OutHeight, ow = g.OutWidth, hw = g.Height * g.Width;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            var plane = image.Slice(c * hw, hw);
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    var dst = columns.Slice(row * oh * ow, oh * ow);
                    int xOffset = kj * g.DilationW - g.PadW;
                    for (int y = 0; y < oh; y++)
                    {
                        int iy = y * g.StrideH - g.PadH + ki * g.DilationH;
                        var dstRow = dst.Slice(y * ow, ow);
                        if ((uint)iy >= (uint)g.Height)
                        {
                            dstRow.Clear();
                            continue;
                        }

                        var srcRow = plane.Slice(iy * g.Width, g.Width);
                        if (g.StrideW == 1)
                        {
                            // Contiguous run: [x0, x1) of output columns read inside the image.
                            int x0 = Math.Max(0, -xOffset);
                            int x1 = Math.Min(ow, g.Width - xOffset);
                            if (x1 <= x0)
                            {
                                dstRow.Clear();
                                continue;
                            }

                            dstRow[..x0].Clear();
                            srcRow.Slice(x0 + xOffset, x1 - x0).CopyTo(dstRow.Slice(x0, x1 - x0));
                            dstRow[x1..].Clear();
                        }
                        else
                        {
                            for (int x = 0; x < ow; x++)
                            {
                                int ix = x * g.StrideW + xOffset;
                                dstRow[x] = (uint)ix < (uint)g.Width ? srcRow[ix] : 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds the column-matrix gradient <paramref name="columns"/> back into the image gradient <paramref name="image"/> (which it does not clear).</summary>
    public static void Fold(in ConvGeometry g, ReadOnlySpan<float> columns, Span<float> image)
    {
        int oh = g.OutHeight, ow = g.OutWidth, hw = g.Height * g.Width;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            var plane = image.Slice(c * hw, hw);
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                for (int kj = 0; kj < g.KernelW; kj++, row++)
                {
                    var src = columns.Slice(row * oh * ow, oh * ow);
                    int xOffset = kj * g.DilationW - g.PadW;
                    for (int y = 0; y < oh; y++)
                    {
                        int iy = y * g.StrideH - g.PadH + ki * g.DilationH;
                        if ((uint)iy >= (uint)g.Height)
                        {
                            continue;
                        }

                        var srcRow = src.Slice(y * ow, ow);
                        var dstRow = plane.Slice(iy * g.Width, g.Width);
                        if (g.StrideW == 1)
                        {
                            int x0 = Math.Max(0, -xOffset);
                            int x1 = Math.Min(ow, g.Width - xOffset);
                            if (x1 > x0)
                            {
                                var d = dstRow.Slice(x0 + xOffset, x1 - x0);
                                System.Numerics.Tensors.TensorPrimitives.Add(d, srcRow.Slice(x0, x1 - x0), d);
                            }
                        }
                        else
                        {
                            for (int x = 0; x < ow; x++)
                            {
                                int ix = x * g.StrideW + xOffset;
                                if ((uint)ix < (uint)g.Width)
                                {
                                    dstRow[ix] += srcRow[x];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
