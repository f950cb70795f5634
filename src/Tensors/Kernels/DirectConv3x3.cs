using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ClassyNet.MLNet.Tensors.Kernels;

/// <summary>
/// Direct 3x3 convolution (stride 1, padding 1, no dilation) on AVX-512 for narrow images (12 to 32 columns), which
/// the small-channel layers of CIFAR/MNIST ResNets are. It skips im2col and panel packing: each output row of eight
/// output channels stays in registers while the taps of every input channel stream through.
/// </summary>
/// <remarks>
/// Every output element is one in-order chain of fused multiply-adds over k = (channel, ki, kj), exactly the k order
/// and operations of the im2col SGEMM (padding taps multiply a zero in both), so the result is bitwise identical to
/// <see cref="Gemm"/> on every path.
/// </remarks>
internal static unsafe class DirectConv3x3
{
    /// <summary>True when this kernel handles the convolution on this processor (and no other SGEMM path is forced).</summary>
    public static bool Supports(in ConvGeometry g, int outChannels) =>
        Avx512F.IsSupported
        && Gemm.ForcedPath is GemmPath.Auto or GemmPath.Avx512
        && g.KernelH == 3 && g.KernelW == 3 && g.StrideH == 1 && g.StrideW == 1 && g.PadH == 1 && g.PadW == 1
        && g.DilationH == 1 && g.DilationW == 1 && g.Width >= 12 && g.Width <= 32 && outChannels % 8 == 0;

    /// <summary>Floats of the zero-padded copy of one image that <see cref="Forward"/> needs as scratch.</summary>
    public static int ScratchLength(in ConvGeometry g) => g.Channels * (g.Height + 2) * PaddedWidth(g.Width);

    /// <summary>
    /// y[oc, H, W] (+)= conv(x[C, H, W], w[oc, C, 3, 3]) for one image at <paramref name="xOffset"/> / <paramref name="yOffset"/>;
    /// <paramref name="scratch"/> holds at least <see cref="ScratchLength"/> floats.
    /// </summary>
    public static void Forward(in ConvGeometry g, float[] x, int xOffset, float[] w, int outChannels, float[] y, int yOffset, bool accumulate, float[] scratch)
    {
        int channels = g.Channels, height = g.Height, width = g.Width;
        int wp = PaddedWidth(width), hp = height + 2, plane = height * width;
        fixed (float* xs = x, ws = w, ys = y, pad = scratch)
        {
            // Zero-padded copy: padded (r, q) holds input (r - 1, q - 1); the columns past the image stay zero.
            new Span<float>(pad, ScratchLength(g)).Clear();
            for (int c = 0; c < channels; c++)
            {
                for (int r = 0; r < height; r++)
                {
                    new ReadOnlySpan<float>(xs + xOffset + (long)c * plane + r * width, width)
                        .CopyTo(new Span<float>(pad + ((long)c * hp + r + 1) * wp + 1, width));
                }
            }

            var lanes = Vector512<int>.Indices;
            var mask0 = Vector512.LessThan(lanes, Vector512.Create(Math.Min(width, 16))).AsSingle();
            var mask1 = Vector512.LessThan(lanes, Vector512.Create(width - 16)).AsSingle();
            int weightStride = channels * 9;
            for (int ob = 0; ob < outChannels; ob += 8)
            {
                float* weights = ws + (long)ob * weightStride;
                float* output = ys + yOffset + (long)ob * plane;
                if (width > 16)
                {
                    Rows2(pad, channels, hp, wp, weights, weightStride, output, plane, height, width, accumulate, mask0, mask1);
                }
                else
                {
                    Rows1(pad, channels, hp, wp, weights, weightStride, output, plane, height, width, accumulate, mask0, mask1);
                }
            }
        }
    }

    /// <summary>Row length of the padded copy: whole vectors of output plus the two border columns.</summary>
    private static int PaddedWidth(int width) => ((width + 15) / 16 * 16) + 2;

    private static void Rows1(float* pad, int channels, int hp, int wp, float* weights, int weightStride, float* output, int plane, int height, int width, bool accumulate, Vector512<float> mask0, Vector512<float> mask1)
    {
        for (int y = 0; y < height; y++)
        {
            float* o0 = output + y * width;
            Vector512<float> a00, a10, a20, a30, a40, a50, a60, a70;
            if (accumulate)
            {
                a00 = Avx512F.MaskLoad(o0 + 0 * plane + 0, mask0, Vector512<float>.Zero);
                a10 = Avx512F.MaskLoad(o0 + 1 * plane + 0, mask0, Vector512<float>.Zero);
                a20 = Avx512F.MaskLoad(o0 + 2 * plane + 0, mask0, Vector512<float>.Zero);
                a30 = Avx512F.MaskLoad(o0 + 3 * plane + 0, mask0, Vector512<float>.Zero);
                a40 = Avx512F.MaskLoad(o0 + 4 * plane + 0, mask0, Vector512<float>.Zero);
                a50 = Avx512F.MaskLoad(o0 + 5 * plane + 0, mask0, Vector512<float>.Zero);
                a60 = Avx512F.MaskLoad(o0 + 6 * plane + 0, mask0, Vector512<float>.Zero);
                a70 = Avx512F.MaskLoad(o0 + 7 * plane + 0, mask0, Vector512<float>.Zero);
            }
            else
            {
                a00 = a10 = a20 = a30 = a40 = a50 = a60 = a70 = Vector512<float>.Zero;
            }

            for (int c = 0; c < channels; c++)
            {
                float* rows = pad + ((long)c * hp + y) * wp;
                float* wc = weights + c * 9;
                for (int tap = 0; tap < 9; tap++)
                {
                    int ki = tap / 3;
                    float* src = rows + ki * wp + (tap - ki * 3);
                    var x0 = Vector512.Load(src + 0);
                    float* wt = wc + tap;
                    var w0 = Vector512.Create(wt[0]);
                    a00 = Avx512F.FusedMultiplyAdd(w0, x0, a00);
                    var w1 = Vector512.Create(wt[1 * weightStride]);
                    a10 = Avx512F.FusedMultiplyAdd(w1, x0, a10);
                    var w2 = Vector512.Create(wt[2 * weightStride]);
                    a20 = Avx512F.FusedMultiplyAdd(w2, x0, a20);
                    var w3 = Vector512.Create(wt[3 * weightStride]);
                    a30 = Avx512F.FusedMultiplyAdd(w3, x0, a30);
                    var w4 = Vector512.Create(wt[4 * weightStride]);
                    a40 = Avx512F.FusedMultiplyAdd(w4, x0, a40);
                    var w5 = Vector512.Create(wt[5 * weightStride]);
                    a50 = Avx512F.FusedMultiplyAdd(w5, x0, a50);
                    var w6 = Vector512.Create(wt[6 * weightStride]);
                    a60 = Avx512F.FusedMultiplyAdd(w6, x0, a60);
                    var w7 = Vector512.Create(wt[7 * weightStride]);
                    a70 = Avx512F.FusedMultiplyAdd(w7, x0, a70);
                }
            }

            Avx512F.MaskStore(o0 + 0 * plane + 0, mask0, a00);
            Avx512F.MaskStore(o0 + 1 * plane + 0, mask0, a10);
            Avx512F.MaskStore(o0 + 2 * plane + 0, mask0, a20);
            Avx512F.MaskStore(o0 + 3 * plane + 0, mask0, a30);
            Avx512F.MaskStore(o0 + 4 * plane + 0, mask0, a40);
            Avx512F.MaskStore(o0 + 5 * plane + 0, mask0, a50);
            Avx512F.MaskStore(o0 + 6 * plane + 0, mask0, a60);
            Avx512F.MaskStore(o0 + 7 * plane + 0, mask0, a70);
        }
    }

    private static void Rows2(float* pad, int channels, int hp, int wp, float* weights, int weightStride, float* output, int plane, int height, int width, bool accumulate, Vector512<float> mask0, Vector512<float> mask1)
    {
        for (int y = 0; y < height; y++)
        {
            float* o0 = output + y * width;
            Vector512<float> a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61, a70, a71;
            if (accumulate)
            {
                a00 = Avx512F.MaskLoad(o0 + 0 * plane + 0, mask0, Vector512<float>.Zero);
                a01 = Avx512F.MaskLoad(o0 + 0 * plane + 16, mask1, Vector512<float>.Zero);
                a10 = Avx512F.MaskLoad(o0 + 1 * plane + 0, mask0, Vector512<float>.Zero);
                a11 = Avx512F.MaskLoad(o0 + 1 * plane + 16, mask1, Vector512<float>.Zero);
                a20 = Avx512F.MaskLoad(o0 + 2 * plane + 0, mask0, Vector512<float>.Zero);
                a21 = Avx512F.MaskLoad(o0 + 2 * plane + 16, mask1, Vector512<float>.Zero);
                a30 = Avx512F.MaskLoad(o0 + 3 * plane + 0, mask0, Vector512<float>.Zero);
                a31 = Avx512F.MaskLoad(o0 + 3 * plane + 16, mask1, Vector512<float>.Zero);
                a40 = Avx512F.MaskLoad(o0 + 4 * plane + 0, mask0, Vector512<float>.Zero);
                a41 = Avx512F.MaskLoad(o0 + 4 * plane + 16, mask1, Vector512<float>.Zero);
                a50 = Avx512F.MaskLoad(o0 + 5 * plane + 0, mask0, Vector512<float>.Zero);
                a51 = Avx512F.MaskLoad(o0 + 5 * plane + 16, mask1, Vector512<float>.Zero);
                a60 = Avx512F.MaskLoad(o0 + 6 * plane + 0, mask0, Vector512<float>.Zero);
                a61 = Avx512F.MaskLoad(o0 + 6 * plane + 16, mask1, Vector512<float>.Zero);
                a70 = Avx512F.MaskLoad(o0 + 7 * plane + 0, mask0, Vector512<float>.Zero);
                a71 = Avx512F.MaskLoad(o0 + 7 * plane + 16, mask1, Vector512<float>.Zero);
            }
            else
            {
                a00 = a01 = a10 = a11 = a20 = a21 = a30 = a31 = a40 = a41 = a50 = a51 = a60 = a61 = a70 = a71 = Vector512<float>.Zero;
            }

            for (int c = 0; c < channels; c++)
            {
                float* rows = pad + ((long)c * hp + y) * wp;
                float* wc = weights + c * 9;
                for (int tap = 0; tap < 9; tap++)
                {
                    int ki = tap / 3;
                    float* src = rows + ki * wp + (tap - ki * 3);
                    var x0 = Vector512.Load(src + 0);
                    var x1 = Vector512.Load(src + 16);
                    float* wt = wc + tap;
                    var w0 = Vector512.Create(wt[0]);
                    a00 = Avx512F.FusedMultiplyAdd(w0, x0, a00);
                    a01 = Avx512F.FusedMultiplyAdd(w0, x1, a01);
                    var w1 = Vector512.Create(wt[1 * weightStride]);
                    a10 = Avx512F.FusedMultiplyAdd(w1, x0, a10);
                    a11 = Avx512F.FusedMultiplyAdd(w1, x1, a11);
                    var w2 = Vector512.Create(wt[2 * weightStride]);
                    a20 = Avx512F.FusedMultiplyAdd(w2, x0, a20);
                    a21 = Avx512F.FusedMultiplyAdd(w2, x1, a21);
                    var w3 = Vector512.Create(wt[3 * weightStride]);
                    a30 = Avx512F.FusedMultiplyAdd(w3, x0, a30);
                    a31 = Avx512F.FusedMultiplyAdd(w3, x1, a31);
                    var w4 = Vector512.Create(wt[4 * weightStride]);
                    a40 = Avx512F.FusedMultiplyAdd(w4, x0, a40);
                    a41 = Avx512F.FusedMultiplyAdd(w4, x1, a41);
                    var w5 = Vector512.Create(wt[5 * weightStride]);
                    a50 = Avx512F.FusedMultiplyAdd(w5, x0, a50);
                    a51 = Avx512F.FusedMultiplyAdd(w5, x1, a51);
                    var w6 = Vector512.Create(wt[6 * weightStride]);
                    a60 = Avx512F.FusedMultiplyAdd(w6, x0, a60);
                    a61 = Avx512F.FusedMultiplyAdd(w6, x1, a61);
                    var w7 = Vector512.Create(wt[7 * weightStride]);
                    a70 = Avx512F.FusedMultiplyAdd(w7, x0, a70);
                    a71 = Avx512F.FusedMultiplyAdd(w7, x1, a71);
                }
            }

            Avx512F.MaskStore(o0 + 0 * plane + 0, mask0, a00);
            Avx512F.MaskStore(o0 + 0 * plane + 16, mask1, a01);
            Avx512F.MaskStore(o0 + 1 * plane + 0, mask0, a10);
            Avx512F.MaskStore(o0 + 1 * plane + 16, mask1, a11);
            Avx512F.MaskStore(o0 + 2 * plane + 0, mask0, a20);
            Avx512F.MaskStore(o0 + 2 * plane + 16, mask1, a21);
            Avx512F.MaskStore(o0 + 3 * plane + 0, mask0, a30);
            Avx512F.MaskStore(o0 + 3 * plane + 16, mask1, a31);
            Avx512F.MaskStore(o0 + 4 * plane + 0, mask0, a40);
            Avx512F.MaskStore(o0 + 4 * plane + 16, mask1, a41);
            Avx512F.MaskStore(o0 + 5 * plane + 0, mask0, a50);
            Avx512F.MaskStore(o0 + 5 * plane + 16, mask1, a51);
            Avx512F.MaskStore(o0 + 6 * plane + 0, mask0, a60);
            Avx512F.MaskStore(o0 + 6 * plane + 16, mask1, a61);
            Avx512F.MaskStore(o0 + 7 * plane + 0, mask0, a70);
            Avx512F.MaskStore(o0 + 7 * plane + 16, mask1, a71);
        }
    }
}
