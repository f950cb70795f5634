using System.Numerics;
using System.Numerics.Tensors;
using ClassyNet.MLNet.Tensors.Kernels;

namespace ClassyNet.MLNet.Tensors;

public static partial class Functional
{
    /// <summary>max(x, 0) element-wise.</summary>
    public static Tensor Relu(Tensor input)
    {
        var output = EmptyLike(input);
        var x = input.Array;
        var y = output.Array;
        int count = input.Numel;
        Parallelism.ForChunks(count, Parallelism.ChunksFor(count, 1.0), (_, start, end) =>
            TensorPrimitives.Max(x.AsSpan(start, end - start), 0f, y.AsSpan(start, end - start)));
        if (Autograd.NeedsGrad(input))
        {
            Autograd.Record(output, "ReluBackward", [input], g =>
            {
                var gx = EmptyLike(g);
                MaskPositive(output.AsSpan(), g.AsSpan(), gx.AsSpan());
                return [gx];
            });
        }

        return output;
    }

    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public static Tensor Softmax(Tensor input, int dim = -1)
    {
        int d = ShapeMath.NormalizeDim(dim, input.Rank, nameof(dim));
        var output = EmptyLike(input);
        SoftmaxRows(input, output, d, log: false);
        if (Autograd.NeedsGrad(input))
        {
            Autograd.Record(output, "SoftmaxBackward", [input], g =>
            {
                // dx = y * (g - sum(g * y))
                using var noGrad = GradMode.NoGrad();
                var gy = Mul(g, output);
                var s = Sum(gy, [d], keepDim: true);
                return [Mul(output, Sub(g, s))];
            });
        }

        return output;
    }

    /// <summary>Log-softmax along <paramref name="dim"/> (computed stably with the running maximum).</summary>
    public static Tensor LogSoftmax(Tensor input, int dim = -1)
    {
        int d = ShapeMath.NormalizeDim(dim, input.Rank, nameof(dim));
        var output = EmptyLike(input);
        SoftmaxRows(input, output, d, log: true);
        if (Autograd.NeedsGrad(input))
        {
            Autograd.Record(output, "LogSoftmaxBackward", [input], g =>
            {
                // dx = g - softmax * sum(g)
                using var noGrad = GradMode.NoGrad();
                var s = Sum(g, [d], keepDim: true);
                return [Sub(g, Mul(Exp(output), s))];
            });
        }

        return output;
    }

    /// <summary>
    /// Dropout: in training, zeroes each element with probability <paramref name="p"/> and scales the rest by 1/(1-p);
    /// identity otherwise.
    /// </summary>
    public static Tensor Dropout(Tensor input, float p = 0.5f, bool training = true, Generator? generator = null)
    {
        if (!(p >= 0f && p <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1].");
        }

        if (!training || p == 0f)
        {
            return input;
        }

        var gen = generator ?? Generator.Default;
        var mask = EmptyLike(input);
        var ms = mask.AsSpan();
        float keep = p == 1f ? 0f : 1f / (1f - p);
        for (int i = 0; i < ms.Length; i++)
        {
            ms[i] = gen.NextSingle() < p ? 0f : keep;
        }

        Tensor output;
        using (GradMode.NoGrad())
        {
            output = Mul(input, mask);
        }

        if (Autograd.NeedsGrad(input))
        {
            Autograd.Record(output, "DropoutBackward", [input], g => [Mul(g, mask)]);
        }

        return output;
    }

    internal static void MaskPositive(ReadOnlySpan<float> reference, ReadOnlySpan<float> source, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var zero = Vector<float>.Zero;
            for (; i <= reference.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var r = new Vector<float>(reference.Slice(i));
                var s = new Vector<float>(source.Slice(i));
                Vector.ConditionalSelect(Vector.GreaterThan(r, zero), s, zero).CopyTo(destination.Slice(i));
            }
        }

        for (; i < reference.Length; i++)
        {
            destination[i] = reference[i] > 0f ? source[i] : 0f;
        }
    }

    private static void SoftmaxRows(Tensor input, Tensor output, int dim, bool log)
    {
        var (outer, size, inner) = ShapeMath.Split(input.Shape, dim);
        var x = input.AsSpan();
        var y = output.AsSpan();
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var src = x.Slice(o * size, size);
                var dst = y.Slice(o * size, size);
                float max = TensorPrimitives.Max(src);
                TensorPrimitives.Subtract(src, max, dst);
                if (log)
                {
                    float lse = MathF.Log(SumExp(dst));
                    TensorPrimitives.Subtract(dst, lse, dst);
                }
                else
                {
                    TensorPrimitives.Exp(dst, dst);
                    TensorPrimitives.Divide(dst, TensorPrimitives.Sum(dst), dst);
                }
            }

            return;
        }

        var column = new float[size];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                for (int k = 0; k < size; k++)
                {
                    column[k] = x[(o * size + k) * inner + i];
                }

                float max = TensorPrimitives.Max(column);
                TensorPrimitives.Subtract(column, max, column);
                if (log)
                {
                    float lse = MathF.Log(SumExp(column));
                    TensorPrimitives.Subtract(column, lse, column);
                }
                else
                {
                    TensorPrimitives.Exp(column, column);
                    TensorPrimitives.Divide(column, TensorPrimitives.Sum(column), column);
                }

                for (int k = 0; k < size; k++)
                {
                    y[(o * size + k) * inner + i] = column[k];
                }
            }
        }
    }

    private static float SumExp(ReadOnlySpan<float> shifted)
    {
        Span<float> buffer = shifted.Length <= 256 ? stackalloc float[shifted.Length] : new float[shifted.Length];
        TensorPrimitives.Exp(shifted, buffer);
        return TensorPrimitives.Sum(buffer);
    }
}
