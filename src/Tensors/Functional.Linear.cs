using System.Numerics.Tensors;
using ClassyNet.MLNet.Tensors.Kernels;

namespace ClassyNet.MLNet.Tensors;

public static partial class Functional
{
    /// <summary>Matrix product of [m, k] and [k, n], or batched [b, m, k] x [b, k, n].</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Rank == 2 && b.Rank == 2)
        {
            if (a.Size(1) != b.Size(0))
            {
                throw new ArgumentException($"MatMul: inner dimensions differ: a {a.ShapeString} x b {b.ShapeString} (a.Size(1) must equal b.Size(0)).", nameof(b));
            }

            int m = a.Size(0), k = a.Size(1), n = b.Size(1);
            var output = Tensor.Empty(m, n);
            Gemm.Sgemm(false, false, m, n, k, a.Array, 0, k, b.Array, 0, n, output.Array, 0, n, accumulate: false, parallel: true);
            MacCounter.Add((long)m * n * k);
            if (Autograd.NeedsGrad(a, b))
            {
                Autograd.Record(output, "MmBackward", [a, b], g =>
                {
                    Tensor? ga = null, gb = null;
                    if (a.RequiresGrad)
                    {
                        ga = Tensor.Empty(m, k);
                        Gemm.Sgemm(false, true, m, k, n, g.Array, 0, n, b.Array, 0, n, ga.Array, 0, k, false, true);
                    }

                    if (b.RequiresGrad)
                    {
                        gb = Tensor.Empty(k, n);
                        Gemm.Sgemm(true, false, k, n, m, a.Array, 0, k, g.Array, 0, n, gb.Array, 0, n, false, true);
                    }

                    return [ga, gb];
                });
            }

            return output;
        }

        if (a.Rank == 3 && b.Rank == 3)
        {
            if (a.Size(0) != b.Size(0) || a.Size(2) != b.Size(1))
            {
                throw new ArgumentException($"MatMul: batched shapes a {a.ShapeString} and b {b.ShapeString} do not match ([b, m, k] x [b, k, n]).", nameof(b));
            }

            var parts = new Tensor[a.Size(0)];
            for (int i = 0; i < parts.Length; i++)
            {
                parts[i] = MatMul(Reshape(Narrow(a, 0, i, 1), a.Size(1), a.Size(2)), Reshape(Narrow(b, 0, i, 1), b.Size(1), b.Size(2)));
            }

            return Reshape(Concat(parts, 0), a.Size(0), a.Size(1), b.Size(2));
        }

        throw new ArgumentException($"MatMul: expected two rank-2 or two rank-3 tensors, got a {a.ShapeString} and b {b.ShapeString}.", nameof(a));
    }

    /// <summary><c>input * weight^T + bias</c> for input [n, in], weight [out, in], bias [out].</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        RequireRank("Linear", nameof(weight), weight, 2, "[out, in]");
        if (input.Rank != 2 || input.Size(1) != weight.Size(1))
        {
            throw ShapeError("Linear", nameof(input), input, $"[batch, {weight.Size(1)}] to match weight {weight.ShapeString}");
        }

        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != weight.Size(0)))
        {
            throw ShapeError("Linear", nameof(bias), bias, $"[{weight.Size(0)}]");
        }

        int n = input.Size(0), inF = weight.Size(1), outF = weight.Size(0);
        var output = Tensor.Empty(n, outF);
        if (bias is not null)
        {
            for (int i = 0; i < n; i++)
            {
                bias.AsSpan().CopyTo(output.AsSpan().Slice(i * outF, outF));
            }
        }

        MacCounter.Add((long)n * outF * inF);
        Gemm.Sgemm(false, true, n, outF, inF, input.Array, 0, inF, weight.Array, 0, inF, output.Array, 0, outF, accumulate: bias is not null, parallel: true);
        var inputs = bias is null ? new[] { input, weight } : new[] { input, weight, bias };
        if (Autograd.NeedsGrad(inputs))
        {
            Autograd.Record(output, "LinearBackward", inputs, g =>
            {
                var grads = new Tensor?[inputs.Length];
                if (input.RequiresGrad)
                {
                    var gi = Tensor.Empty(n, inF);
                    Gemm.Sgemm(false, false, n, inF, outF, g.Array, 0, outF, weight.Array, 0, inF, gi.Array, 0, inF, false, true);
                    grads[0] = gi;
                }

                if (weight.RequiresGrad)
                {
                    var gw = Tensor.Empty(outF, inF);
                    Gemm.Sgemm(true, false, outF, inF, n, g.Array, 0, outF, input.Array, 0, inF, gw.Array, 0, inF, false, true);
                    grads[1] = gw;
                }

                if (bias is not null && bias.RequiresGrad)
                {
                    var gb = Tensor.Zeros(outF);
                    var gbs = gb.AsSpan();
                    var gs = g.AsSpan();
                    for (int i = 0; i < n; i++)
                    {
                        TensorPrimitives.Add(gbs, gs.Slice(i * outF, outF), gbs);
                    }

                    grads[2] = gb;
                }

                return grads;
            });
        }

        return output;
    }
}
