using System.Numerics.Tensors;

namespace ClassyNet.MLNet.Tensors;

public static partial class Functional
{
    private enum BinaryOp
    {
        Add,
        Sub,
        Mul,
        Div,
    }

    /// <summary>Broadcasting <c>a + b</c>.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var output = Binary(BinaryOp.Add, a, b, "Add");
        if (Autograd.NeedsGrad(a, b))
        {
            Autograd.Record(output, "AddBackward", [a, b], g => [SumToShape(g, a.Shape), SumToShape(g, b.Shape)]);
        }

        return output;
    }

    /// <summary>Broadcasting <c>a - b</c>.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        var output = Binary(BinaryOp.Sub, a, b, "Sub");
        if (Autograd.NeedsGrad(a, b))
        {
            Autograd.Record(output, "SubBackward", [a, b], g => [SumToShape(g, a.Shape), b.RequiresGrad ? SumToShape(MulScalar(g, -1f), b.Shape) : null]);
        }

        return output;
    }

    /// <summary>Broadcasting element-wise <c>a * b</c>.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        var output = Binary(BinaryOp.Mul, a, b, "Mul");
        if (Autograd.NeedsGrad(a, b))
        {
            Autograd.Record(output, "MulBackward", [a, b], g =>
                [a.RequiresGrad ? SumToShape(Mul(g, b), a.Shape) : null, b.RequiresGrad ? SumToShape(Mul(g, a), b.Shape) : null]);
        }

        return output;
    }

    /// <summary>Broadcasting element-wise <c>a / b</c>.</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        var output = Binary(BinaryOp.Div, a, b, "Div");
        if (Autograd.NeedsGrad(a, b))
        {
            Autograd.Record(output, "DivBackward", [a, b], g =>
                [a.RequiresGrad ? SumToShape(Div(g, b), a.Shape) : null,
                 b.RequiresGrad ? SumToShape(MulScalar(Div(Mul(g, a), Mul(b, b)), -1f), b.Shape) : null]);
        }

        return output;
    }

    /// <summary><c>a + scalar</c>.</summary>
    public static Tensor AddScalar(Tensor a, float scalar)
    {
        var output = EmptyLike(a);
        TensorPrimitives.Add(a.AsSpan(), scalar, output.AsSpan());
        if (Autograd.NeedsGrad(a))
        {
            Autograd.Record(output, "AddBackward", [a], g => [g]);
        }

        return output;
    }

    /// <summary><c>a * scalar</c>.</summary>
    public static Tensor MulScalar(Tensor a, float scalar)
    {
        var output = EmptyLike(a);
        TensorPrimitives.Multiply(a.AsSpan(), scalar, output.AsSpan());
        if (Autograd.NeedsGrad(a))
        {
            Autograd.Record(output, "MulBackward", [a], g => [MulScalar(g, scalar)]);
        }

        return output;
    }

    /// <summary>Element-wise natural exponential.</summary>
    public static Tensor Exp(Tensor a)
    {
        var output = EmptyLike(a);
        TensorPrimitives.Exp(a.AsSpan(), output.AsSpan());
        if (Autograd.NeedsGrad(a))
        {
            Autograd.Record(output, "ExpBackward", [a], g => [Mul(g, output)]);
        }

        return output;
    }

    /// <summary>Element-wise natural logarithm.</summary>
    public static Tensor Log(Tensor a)
    {
        var output = EmptyLike(a);
        TensorPrimitives.Log(a.AsSpan(), output.AsSpan());
        if (Autograd.NeedsGrad(a))
        {
            Autograd.Record(output, "LogBackward", [a], g => [Div(g, a)]);
        }

        return output;
    }

    /// <summary>Element-wise square root.</summary>
    public static Tensor Sqrt(Tensor a)
    {
        var output = EmptyLike(a);
        TensorPrimitives.Sqrt(a.AsSpan(), output.AsSpan());
        if (Autograd.NeedsGrad(a))
        {
            Autograd.Record(output, "SqrtBackward", [a], g => [Div(MulScalar(g, 0.5f), output)]);
        }

        return output;
    }

    /// <summary>Copy with its own storage.</summary>
    public static Tensor Clone(Tensor a)
    {
        var output = EmptyLike(a);
        a.AsSpan().CopyTo(output.AsSpan());
        if (Autograd.NeedsGrad(a))
        {
            Autograd.Record(output, "CloneBackward", [a], g => [g]);
        }

        return output;
    }

    /// <summary>
    /// Reduces a gradient of a broadcast result back to the shape of the operand that was broadcast: sums over the
    /// leading dimensions it lacked and over the dimensions where it had size 1.
    /// </summary>
    internal static Tensor SumToShape(Tensor g, ReadOnlySpan<int> shape)
    {
        if (ShapeMath.SameShape(g.Shape, shape))
        {
            return g;
        }

        int lead = g.Rank - shape.Length;
        var dims = new List<int>();
        for (int i = 0; i < g.Rank; i++)
        {
            if (i < lead || (shape[i - lead] == 1 && g.Size(i) != 1))
            {
                dims.Add(i);
            }
        }

        using var noGrad = GradMode.NoGrad();
        var summed = dims.Count == 0 ? g : Sum(g, dims.ToArray(), keepDim: true);
        return summed.Reshape(shape.ToArray());
    }

    private static Tensor Binary(BinaryOp op, Tensor a, Tensor b, string name)
    {
        if (ShapeMath.SameShape(a.Shape, b.Shape))
        {
            var same = EmptyLike(a);
            Apply(op, a.AsSpan(), b.AsSpan(), same.AsSpan());
            return same;
        }

        var shape = ShapeMath.Broadcast(a.Shape, b.Shape, name);
        var output = Tensor.Empty(shape);
        if (b.Numel == 1 && a.Numel == output.Numel)
        {
            ApplyScalarRight(op, a.AsSpan(), b.AsSpan()[0], output.AsSpan());
            return output;
        }

        if (a.Numel == 1 && b.Numel == output.Numel)
        {
            ApplyScalarLeft(op, a.AsSpan()[0], b.AsSpan(), output.AsSpan());
            return output;
        }

        BroadcastLoop(op, a, b, output);
        return output;
    }

    /// <summary>General broadcast: coalesces dimensions, then runs a vector kernel along the innermost one.</summary>
    private static void BroadcastLoop(BinaryOp op, Tensor a, Tensor b, Tensor output)
    {
        var shape = output.Shape.ToArray();
        var sa = ShapeMath.BroadcastStrides(a.Shape, shape);
        var sb = ShapeMath.BroadcastStrides(b.Shape, shape);
        var (dims, stridesA, stridesB) = Coalesce(shape, sa, sb);
        int rank = dims.Length;
        int inner = dims[rank - 1];
        int ia = stridesA[rank - 1], ib = stridesB[rank - 1];
        int rows = output.Numel / Math.Max(inner, 1);
        var index = new int[rank];
        var pa = a.AsSpan();
        var pb = b.AsSpan();
        var po = output.AsSpan();
        int offA = 0, offB = 0;
        for (int row = 0; row < rows; row++)
        {
            var dst = po.Slice(row * inner, inner);
            if (ia == 1 && ib == 1)
            {
                Apply(op, pa.Slice(offA, inner), pb.Slice(offB, inner), dst);
            }
            else if (ia == 1)
            {
                ApplyScalarRight(op, pa.Slice(offA, inner), pb[offB], dst);
            }
            else if (ib == 1)
            {
                ApplyScalarLeft(op, pa[offA], pb.Slice(offB, inner), dst);
            }
            else
            {
                dst.Fill(Scalar(op, pa[offA], pb[offB]));
            }

            for (int d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                offA += stridesA[d];
                offB += stridesB[d];
                if (index[d] < dims[d])
                {
                    break;
                }

                offA -= stridesA[d] * dims[d];
                offB -= stridesB[d] * dims[d];
                index[d] = 0;
            }
        }
    }

    private static (int[] Dims, int[] StridesA, int[] StridesB) Coalesce(int[] shape, int[] sa, int[] sb)
    {
        var dims = new List<int>();
        var la = new List<int>();
        var lb = new List<int>();
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1)
            {
                continue;
            }

            int last = dims.Count - 1;
            if (last >= 0 && la[last] == sa[i] * shape[i] && lb[last] == sb[i] * shape[i])
            {
                dims[last] *= shape[i];
                la[last] = sa[i];
                lb[last] = sb[i];
            }
            else
            {
                dims.Add(shape[i]);
                la.Add(sa[i]);
                lb.Add(sb[i]);
            }
        }

        if (dims.Count == 0)
        {
            return ([1], [0], [0]);
        }

        return (dims.ToArray(), la.ToArray(), lb.ToArray());
    }

    private static float Scalar(BinaryOp op, float x, float y) => op switch
    {
        BinaryOp.Add => x + y,
        BinaryOp.Sub => x - y,
        BinaryOp.Mul => x * y,
        _ => x / y,
    };

    private static void Apply(BinaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(x, y, d); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(x, y, d); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(x, y, d); break;
            default: TensorPrimitives.Divide(x, y, d); break;
        }
    }

    private static void ApplyScalarRight(BinaryOp op, ReadOnlySpan<float> x, float y, Span<float> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(x, y, d); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(x, y, d); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(x, y, d); break;
            default: TensorPrimitives.Divide(x, y, d); break;
        }
    }

    private static void ApplyScalarLeft(BinaryOp op, float x, ReadOnlySpan<float> y, Span<float> d)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(y, x, d); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(x, y, d); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(y, x, d); break;
            default: TensorPrimitives.Divide(x, y, d); break;
        }
    }
}
