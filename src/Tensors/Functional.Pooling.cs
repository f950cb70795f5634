using System.Numerics.Tensors;
using ClassyNet.MLNet.Tensors.Kernels;

namespace ClassyNet.MLNet.Tensors;

public static partial class Functional
{
    /// <summary>2-D max pooling of [N, C, H, W]; stride defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, (int H, int W) kernel, (int H, int W)? stride = null, (int H, int W)? padding = null)
    {
        var geo = PoolGeometry("MaxPool2d", input, kernel, stride, padding);
        int planes = input.Size(0) * input.Size(1);
        int inPlane = geo.Height * geo.Width, outPlane = geo.OutHeight * geo.OutWidth;
        var output = Tensor.Empty(input.Size(0), input.Size(1), geo.OutHeight, geo.OutWidth);
        bool record = Autograd.NeedsGrad(input);
        int[]? argmax = record ? new int[planes * outPlane] : null;
        var x = input.Array;
        var y = output.Array;
        Parallelism.ForChunks(planes, Parallelism.ChunksFor(planes, outPlane * geo.KernelH * geo.KernelW), (_, start, end) =>
        {
            for (int p = start; p < end; p++)
            {
                for (int oy = 0; oy < geo.OutHeight; oy++)
                {
                    for (int ox = 0; ox < geo.OutWidth; ox++)
                    {
                        float best = float.NegativeInfinity;
                        int bestIndex = -1;
                        for (int ky = 0; ky < geo.KernelH; ky++)
                        {
                            int iy = oy * geo.StrideH - geo.PadH + ky;
                            if ((uint)iy >= (uint)geo.Height)
                            {
                                continue;
                            }

                            for (int kx = 0; kx < geo.KernelW; kx++)
                            {
                                int ix = ox * geo.StrideW - geo.PadW + kx;
                                if ((uint)ix >= (uint)geo.Width)
                                {
                                    continue;
                                }

                                float v = x[p * inPlane + iy * geo.Width + ix];
                                if (v > best || float.IsNaN(v) || bestIndex < 0)
                                {
                                    best = v;
                                    bestIndex = iy * geo.Width + ix;
                                    if (float.IsNaN(v))
                                    {
                                        goto done;
                                    }
                                }
                            }
                        }

                    done:
                        int o = p * outPlane + oy * geo.OutWidth + ox;
                        y[o] = best;
                        if (argmax is not null)
                        {
                            argmax[o] = bestIndex;
                        }
                    }
                }
            }
        });

        if (record)
        {
            Autograd.Record(output, "MaxPool2DWithIndicesBackward", [input], g =>
            {
                var gx = Tensor.Zeros(input.Shape.ToArray());
                var gxa = gx.AsSpan();
                var gs = g.AsSpan();
                for (int p = 0; p < planes; p++)
                {
                    for (int o = 0; o < outPlane; o++)
                    {
                        gxa[p * inPlane + argmax![p * outPlane + o]] += gs[p * outPlane + o];
                    }
                }

                return [gx];
            });
        }

        return output;
    }

    /// <summary>2-D average pooling of [N, C, H, W]; padded zeros count in the divisor, as PyTorch's default.</summary>
    public static Tensor AvgPool2d(Tensor input, (int H, int W) kernel, (int H, int W)? stride = null, (int H, int W)? padding = null)
    {
        var geo = PoolGeometry("AvgPool2d", input, kernel, stride, padding);
        int planes = input.Size(0) * input.Size(1);
        var output = Tensor.Zeros(input.Size(0), input.Size(1), geo.OutHeight, geo.OutWidth);
        float inv = 1f / (geo.KernelH * geo.KernelW);
        var x = input.Array;
        var y = output.Array;
        WindowSum(geo, planes, (p, o, i) => y[o] += x[i] * inv);
        if (Autograd.NeedsGrad(input))
        {
            Autograd.Record(output, "AvgPool2DBackward", [input], g =>
            {
                var gx = Tensor.Zeros(input.Shape.ToArray());
                var gxa = gx.Array;
                var gs = g.Array;
                WindowSum(geo, planes, (p, o, i) => gxa[i] += gs[o] * inv);
                return [gx];
            });
        }

        return output;
    }

    /// <summary>
    /// Adaptive average pooling of [N, C, H, W] to [N, C, outH, outW] with PyTorch's bin edges
    /// (start = floor(i * H / outH), end = ceil((i + 1) * H / outH)). (1, 1) is global average pooling.
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, (int H, int W) outputSize)
    {
        RequireRank("AdaptiveAvgPool2d", nameof(input), input, 4, "[N, C, H, W]");
        var (oh, ow) = outputSize;
        if (oh < 1 || ow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, "AdaptiveAvgPool2d: output size must be at least (1, 1).");
        }

        int n = input.Size(0), c = input.Size(1), h = input.Size(2), w = input.Size(3);
        int planes = n * c, inPlane = h * w, outPlane = oh * ow;
        var output = Tensor.Empty(n, c, oh, ow);
        var x = input.Array;
        var y = output.Array;
        for (int p = 0; p < planes; p++)
        {
            for (int i = 0; i < oh; i++)
            {
                int y0 = i * h / oh, y1 = ((i + 1) * h + oh - 1) / oh;
                for (int j = 0; j < ow; j++)
                {
                    int x0 = j * w / ow, x1 = ((j + 1) * w + ow - 1) / ow;
                    float sum = 0;
                    for (int yy = y0; yy < y1; yy++)
                    {
                        sum += TensorPrimitives.Sum(x.AsSpan(p * inPlane + yy * w + x0, x1 - x0));
                    }

                    y[p * outPlane + i * ow + j] = sum / ((y1 - y0) * (x1 - x0));
                }
            }
        }

        if (Autograd.NeedsGrad(input))
        {
            Autograd.Record(output, "AdaptiveAvgPool2DBackward", [input], g =>
            {
                var gx = Tensor.Zeros(input.Shape.ToArray());
                var gxa = gx.AsSpan();
                var gs = g.AsSpan();
                for (int p = 0; p < planes; p++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        int y0 = i * h / oh, y1 = ((i + 1) * h + oh - 1) / oh;
                        for (int j = 0; j < ow; j++)
                        {
                            int x0 = j * w / ow, x1 = ((j + 1) * w + ow - 1) / ow;
                            float share = gs[p * outPlane + i * ow + j] / ((y1 - y0) * (x1 - x0));
                            for (int yy = y0; yy < y1; yy++)
                            {
                                var row = gxa.Slice(p * inPlane + yy * w + x0, x1 - x0);
                                TensorPrimitives.Add(row, share, row);
                            }
                        }
                    }
                }

                return [gx];
            });
        }

        return output;
    }

    /// <summary>Global average pooling: [N, C, H, W] to [N, C].</summary>
    public static Tensor GlobalAvgPool2d(Tensor input) => Flatten(AdaptiveAvgPool2d(input, (1, 1)), 1);

    private static ConvGeometry PoolGeometry(string op, Tensor input, (int H, int W) kernel, (int H, int W)? stride, (int H, int W)? padding)
    {
        RequireRank(op, nameof(input), input, 4, "[N, C, H, W]");
        var (sh, sw) = stride ?? kernel;
        var (ph, pw) = padding ?? (0, 0);
        if (kernel.H < 1 || kernel.W < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || ph * 2 > kernel.H || pw * 2 > kernel.W)
        {
            throw new ArgumentOutOfRangeException(nameof(kernel), $"{op}: kernel {kernel} and stride ({sh}, {sw}) must be >= 1, padding ({ph}, {pw}) >= 0 and at most half the kernel.");
        }

        var geo = new ConvGeometry(input.Size(1), input.Size(2), input.Size(3), kernel.H, kernel.W, sh, sw, ph, pw);
        if (geo.OutHeight < 1 || geo.OutWidth < 1)
        {
            throw ShapeError(op, nameof(input), input, $"a spatial size of at least the kernel {kernel}");
        }

        return geo;
    }

    /// <summary>Visits (plane, output index, input index) for every in-bounds element of every pooling window.</summary>
    private static void WindowSum(ConvGeometry geo, int planes, Action<int, int, int> visit)
    {
        int inPlane = geo.Height * geo.Width, outPlane = geo.OutHeight * geo.OutWidth;
        for (int p = 0; p < planes; p++)
        {
            for (int oy = 0; oy < geo.OutHeight; oy++)
            {
                for (int ox = 0; ox < geo.OutWidth; ox++)
                {
                    int o = p * outPlane + oy * geo.OutWidth + ox;
                    for (int ky = 0; ky < geo.KernelH; ky++)
                    {
                        int iy = oy * geo.StrideH - geo.PadH + ky;
                        if ((uint)iy >= (uint)geo.Height)
                        {
                            continue;
                        }

                        for (int kx = 0; kx < geo.KernelW; kx++)
                        {
                            int ix = ox * geo.StrideW - geo.PadW + kx;
                            if ((uint)ix < (uint)geo.Width)
                            {
                                visit(p, o, p * inPlane + iy * geo.Width + ix);
                            }
                        }
                    }
                }
            }
        }
    }
}
