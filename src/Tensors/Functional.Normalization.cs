using System.Numerics;
using System.Numerics.Tensors;
using ClassyNet.MLNet.Tensors.Kernels;

namespace ClassyNet.MLNet.Tensors;

public static partial class Functional
{
    /// <summary>
    /// Batch normalisation over [N, C, H, W] per channel (PyTorch's <c>F.batch_norm</c>). In training mode it
    /// normalises with the batch statistics and updates the running statistics in place:
    /// running = (1 - momentum) * running + momentum * batch (unbiased variance). In eval mode it uses the running
    /// statistics.
    /// </summary>
    public static Tensor BatchNorm2d(Tensor input, Tensor runningMean, Tensor runningVar, Tensor? weight, Tensor? bias, bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        RequireRank("BatchNorm2d", nameof(input), input, 4, "[N, C, H, W]");
        int n = input.Size(0), c = input.Size(1), plane = input.Size(2) * input.Size(3);
        foreach (var (t, name) in new[] { (runningMean, nameof(runningMean)), (runningVar, nameof(runningVar)), (weight, nameof(weight)), (bias, nameof(bias)) })
        {
            if (t is not null && (t.Rank != 1 || t.Size(0) != c))
            {
                throw ShapeError("BatchNorm2d", name, t, $"[{c}] (one value per channel of input {input.ShapeString})");
            }
        }

        int m = n * plane;
        if (training && m <= 1)
        {
            throw new ArgumentException($"BatchNorm2d: expected more than 1 value per channel when training, got input {input.ShapeString}.", nameof(input));
        }

        var mean = new float[c];
        var invStd = new float[c];
        var x = input.Array;
        if (training)
        {
            Parallelism.ForChunks(c, Parallelism.ChunksFor(c, 3.0 * m), (_, start, end) =>
            {
                for (int ch = start; ch < end; ch++)
                {
                    double sum = 0;
                    for (int s = 0; s < n; s++)
                    {
                        sum += TensorPrimitives.Sum(x.AsSpan((s * c + ch) * plane, plane));
                    }

                    float mu = (float)(sum / m);
                    double sq = 0;
                    for (int s = 0; s < n; s++)
                    {
                        sq += SumSquaredDeviation(x.AsSpan((s * c + ch) * plane, plane), mu);
                    }

                    double variance = sq / m;
                    mean[ch] = mu;
                    invStd[ch] = (float)(1.0 / Math.Sqrt(variance + eps));
                    var rm = runningMean.AsSpan();
                    var rv = runningVar.AsSpan();
                    rm[ch] = (1 - momentum) * rm[ch] + momentum * mu;
                    rv[ch] = (1 - momentum) * rv[ch] + momentum * (float)(sq / (m - 1));
                }
            });
        }
        else
        {
            var rm = runningMean.AsSpan();
            var rv = runningVar.AsSpan();
            for (int ch = 0; ch < c; ch++)
            {
                mean[ch] = rm[ch];
                invStd[ch] = 1f / MathF.Sqrt(rv[ch] + eps);
            }
        }

        // y = x * scale + shift per channel.
        var scale = new float[c];
        var shift = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            float gamma = weight?.AsSpan()[ch] ?? 1f;
            float beta = bias?.AsSpan()[ch] ?? 0f;
            scale[ch] = gamma * invStd[ch];
            shift[ch] = beta - mean[ch] * scale[ch];
        }

        var output = EmptyLike(input);
        var y = output.Array;
        Parallelism.ForChunks(n * c, Parallelism.ChunksFor(n * c, 2.0 * plane), (_, start, end) =>
        {
            for (int p = start; p < end; p++)
            {
                int ch = p % c;
                var dst = y.AsSpan(p * plane, plane);
                ScaleShift(x.AsSpan(p * plane, plane), scale[ch], shift[ch], dst);
            }
        });

        var inputs = (weight, bias) switch
        {
            (null, null) => new[] { input },
            (not null, not null) => new[] { input, weight, bias },
            _ => throw new ArgumentException("BatchNorm2d: weight and bias must both be given or both be null.", nameof(bias)),
        };

        if (Autograd.NeedsGrad(inputs))
        {
            Autograd.Record(output, "NativeBatchNormBackward", inputs, g => BatchNormBackward(input, g, weight, bias, mean, invStd, training));
        }

        return output;
    }

    private static Tensor?[] BatchNormBackward(Tensor input, Tensor g, Tensor? weight, Tensor? bias, float[] mean, float[] invStd, bool training)
    {
        int n = input.Size(0), c = input.Size(1), plane = input.Size(2) * input.Size(3);
        int m = n * plane;
        var x = input.Array;
        var gy = g.Array;
        var sumDy = new float[c];
        var sumDyXhat = new float[c];
        Parallelism.ForChunks(c, Parallelism.ChunksFor(c, 4.0 * m), (_, start, end) =>
        {
            for (int ch = start; ch < end; ch++)
            {
                double sdy = 0, sdyx = 0;
                float mu = mean[ch];
                for (int s = 0; s < n; s++)
                {
                    int off = (s * c + ch) * plane;
                    var dy = gy.AsSpan(off, plane);
                    var xs = x.AsSpan(off, plane);
                    float sumDyPlane = TensorPrimitives.Sum(dy);
                    sdy += sumDyPlane;
                    sdyx += TensorPrimitives.Dot(dy, xs) - mu * sumDyPlane;
                }

                sumDy[ch] = (float)sdy;
                sumDyXhat[ch] = (float)(sdyx * invStd[ch]);
            }
        });

        Tensor? gx = null;
        if (input.RequiresGrad)
        {
            gx = EmptyLike(input);
            var gxa = gx.Array;
            Parallelism.ForChunks(n * c, Parallelism.ChunksFor(n * c, 4.0 * plane), (_, start, end) =>
            {
                for (int p = start; p < end; p++)
                {
                    int ch = p % c;
                    float gamma = weight?.Array[ch] ?? 1f;
                    float k = gamma * invStd[ch];
                    var dy = gy.AsSpan(p * plane, plane);
                    var xs = x.AsSpan(p * plane, plane);
                    var dst = gxa.AsSpan(p * plane, plane);
                    if (!training)
                    {
                        TensorPrimitives.Multiply(dy, k, dst);
                        continue;
                    }

                    // dx = k * (dy - mean(dy) - xhat * mean(dy * xhat)), xhat = (x - mu) * invStd
                    float meanDy = sumDy[ch] / m;
                    float a = sumDyXhat[ch] / m * invStd[ch];
                    BatchNormInputGrad(dy, xs, dst, k, meanDy, mean[ch], a);
                }
            });
        }

        Tensor? gw = null, gb = null;
        if (weight is not null && weight.RequiresGrad)
        {
            gw = Tensor.FromArray(sumDyXhat, c);
        }

        if (bias is not null && bias.RequiresGrad)
        {
            gb = Tensor.FromArray(sumDy, c);
        }

        return weight is null ? [gx] : [gx, gw, gb];
    }

    /// <summary>Sum of (x - mu)^2 over a plane: float lanes (a plane is at most a few thousand values), double total.</summary>
    private static double SumSquaredDeviation(ReadOnlySpan<float> x, float mu)
    {
        var center = new Vector<float>(mu);
        var acc = Vector<float>.Zero;
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var d = new Vector<float>(x.Slice(i)) - center;
            acc += d * d;
        }

        double sum = Vector.Sum(acc);
        for (; i < x.Length; i++)
        {
            float d = x[i] - mu;
            sum += d * d;
        }

        return sum;
    }

    /// <summary>dx = k * (dy - meanDy - (x - mu) * a), lane by lane (the same rounding as the scalar formula).</summary>
    private static void BatchNormInputGrad(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dst, float k, float meanDy, float mu, float a)
    {
        var vk = new Vector<float>(k);
        var vMeanDy = new Vector<float>(meanDy);
        var vMu = new Vector<float>(mu);
        var va = new Vector<float>(a);
        int i = 0;
        for (; i <= dst.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var r = vk * (new Vector<float>(dy.Slice(i)) - vMeanDy - ((new Vector<float>(x.Slice(i)) - vMu) * va));
            r.CopyTo(dst.Slice(i));
        }

        for (; i < dst.Length; i++)
        {
            dst[i] = k * (dy[i] - meanDy - (x[i] - mu) * a);
        }
    }

    /// <summary>dst = x * scale + shift in one pass (multiply, then add: no fused rounding).</summary>
    private static void ScaleShift(ReadOnlySpan<float> x, float scale, float shift, Span<float> dst)
    {
        var vScale = new Vector<float>(scale);
        var vShift = new Vector<float>(shift);
        int i = 0;
        for (; i <= dst.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            ((new Vector<float>(x.Slice(i)) * vScale) + vShift).CopyTo(dst.Slice(i));
        }

        for (; i < dst.Length; i++)
        {
            dst[i] = (x[i] * scale) + shift;
        }
    }
}
