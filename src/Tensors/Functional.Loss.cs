using System.Numerics.Tensors;

namespace ClassyNet.MLNet.Tensors;

public static partial class Functional
{
    /// <summary>
    /// Cross-entropy between logits [N, K] and integer targets in [0, K) (PyTorch's <c>F.cross_entropy</c> with class
    /// indices): per sample logsumexp(z) - z[y], reduced as asked. With <see cref="Reduction.None"/> the result is [N].
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, ReadOnlySpan<int> targets, Reduction reduction = Reduction.Mean)
    {
        RequireRank("CrossEntropy", nameof(logits), logits, 2, "[batch, classes]");
        int n = logits.Size(0), k = logits.Size(1);
        if (targets.Length != n)
        {
            throw new ArgumentException($"CrossEntropy: {targets.Length} targets for logits {logits.ShapeString} (expected {n}).", nameof(targets));
        }

        for (int i = 0; i < n; i++)
        {
            if ((uint)targets[i] >= (uint)k)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), targets[i], $"CrossEntropy: targets[{i}] = {targets[i]} is outside [0, {k}) for logits {logits.ShapeString}.");
            }
        }

        var saved = targets.ToArray();
        var losses = Tensor.Empty(n);
        var z = logits.AsSpan();
        var ls = losses.AsSpan();
        for (int i = 0; i < n; i++)
        {
            var row = z.Slice(i * k, k);
            ls[i] = LogSumExp(row) - row[saved[i]];
        }

        if (Autograd.NeedsGrad(logits))
        {
            Autograd.Record(losses, "NllLossBackward", [logits], g =>
            {
                // d/dz = softmax(z) - onehot(y), scaled by the sample's upstream gradient.
                var gx = Softmax(logits, 1);
                var gs = gx.AsSpan();
                var up = g.AsSpan();
                for (int i = 0; i < n; i++)
                {
                    gs[i * k + saved[i]] -= 1f;
                    TensorPrimitives.Multiply(gs.Slice(i * k, k), up[i], gs.Slice(i * k, k));
                }

                return [gx];
            });
        }

        return Reduce(losses, reduction);
    }

    /// <summary>
    /// Shannon entropy (natural log) of softmax(logits) per row: H = -sum p ln p = logsumexp(z) - sum p z, always
    /// non-negative. Input [N, K], result [N]. This is the exit criterion of the paper's Algorithm 1.
    /// </summary>
    public static Tensor SoftmaxEntropy(Tensor logits)
    {
        RequireRank("SoftmaxEntropy", nameof(logits), logits, 2, "[batch, classes]");
        int n = logits.Size(0), k = logits.Size(1);
        Tensor probabilities;
        using (GradMode.NoGrad())
        {
            probabilities = Softmax(logits, 1);
        }

        var output = Tensor.Empty(n);
        var z = logits.AsSpan();
        var p = probabilities.AsSpan();
        var h = output.AsSpan();
        for (int i = 0; i < n; i++)
        {
            var row = z.Slice(i * k, k);
            h[i] = MathF.Max(0f, LogSumExp(row) - TensorPrimitives.Dot(p.Slice(i * k, k), row));
        }

        if (Autograd.NeedsGrad(logits))
        {
            Autograd.Record(output, "EntropyBackward", [logits], g =>
            {
                // dH/dz_j = -p_j (z_j - sum_i p_i z_i)
                var gx = Tensor.Empty(n, k);
                var gs = gx.AsSpan();
                var up = g.AsSpan();
                var zs = logits.AsSpan();
                var ps = probabilities.AsSpan();
                for (int i = 0; i < n; i++)
                {
                    var row = zs.Slice(i * k, k);
                    var pr = ps.Slice(i * k, k);
                    float mean = TensorPrimitives.Dot(pr, row);
                    for (int j = 0; j < k; j++)
                    {
                        gs[i * k + j] = -up[i] * pr[j] * (row[j] - mean);
                    }
                }

                return [gx];
            });
        }

        return output;
    }

    /// <summary>Reduces a per-sample loss [N] as asked.</summary>
    public static Tensor Reduce(Tensor perSample, Reduction reduction) => reduction switch
    {
        Reduction.None => perSample,
        Reduction.Mean => Mean(perSample),
        Reduction.Sum => Sum(perSample),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Expected None, Mean or Sum."),
    };

    internal static float LogSumExp(ReadOnlySpan<float> row)
    {
        float max = TensorPrimitives.Max(row);
        if (float.IsInfinity(max))
        {
            return max;
        }

        double sum = 0;
        foreach (float v in row)
        {
            sum += Math.Exp(v - max);
        }

        return max + (float)Math.Log(sum);
    }
}
