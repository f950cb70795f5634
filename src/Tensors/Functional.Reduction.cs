using System.Numerics.Tensors;

namespace ClassyNet.MLNet.Tensors;

public static partial class Functional
{
    /// <summary>Sum of all elements (rank-0 result).</summary>
    public static Tensor Sum(Tensor a)
    {
        var output = Tensor.Scalar(TensorPrimitives.Sum(a.AsSpan()));
        if (Autograd.NeedsGrad(a))
        {
            Autograd.Record(output, "SumBackward", [a], g => [BroadcastTo(g, a.Shape.ToArray())]);
        }

        return output;
    }

    /// <summary>Mean of all elements (rank-0 result).</summary>
    public static Tensor Mean(Tensor a)
    {
        var output = Tensor.Scalar(TensorPrimitives.Sum(a.AsSpan()) / a.Numel);
        if (Autograd.NeedsGrad(a))
        {
            Autograd.Record(output, "MeanBackward", [a], g => [MulScalar(BroadcastTo(g, a.Shape.ToArray()), 1f / a.Numel)]);
        }

        return output;
    }

    /// <summary>Sum over <paramref name="dims"/> (negative values count from the end).</summary>
    public static Tensor Sum(Tensor a, int[] dims, bool keepDim = false)
    {
        var (keepShape, outShape, sorted) = ReductionShapes(a, dims, nameof(dims));
        var current = a;
        bool owned = false;
        using (GradMode.NoGrad())
        {
            for (int i = sorted.Length - 1; i >= 0; i--)
            {
                var next = SumAxis(current, sorted[i]);
                if (owned)
                {
                    current.Dispose();
                }

                current = next;
                owned = true;
            }
        }

        var output = owned ? current.ViewWithShape(keepDim ? keepShape : outShape) : Clone(a).ViewWithShape(keepDim ? keepShape : outShape);
        if (Autograd.NeedsGrad(a))
        {
            Autograd.Record(output, "SumBackward", [a], g => [BroadcastTo(g.Reshape(keepShape), a.Shape.ToArray())]);
        }

        return output;
    }

    /// <summary>Mean over <paramref name="dims"/> (negative values count from the end).</summary>
    public static Tensor Mean(Tensor a, int[] dims, bool keepDim = false)
    {
        var (_, _, sorted) = ReductionShapes(a, dims, nameof(dims));
        int count = 1;
        foreach (int d in sorted)
        {
            count *= a.Size(d);
        }

        return MulScalar(Sum(a, dims, keepDim), 1f / Math.Max(count, 1));
    }

    /// <summary>
    /// Copies <paramref name="a"/> into a larger shape following broadcasting rules (PyTorch's <c>expand</c> followed
    /// by <c>contiguous</c>). The backward sums back to the original shape.
    /// </summary>
    public static Tensor BroadcastTo(Tensor a, int[] shape)
    {
        var target = ShapeMath.Broadcast(a.Shape, shape, "BroadcastTo");
        if (!ShapeMath.SameShape(target, shape))
        {
            throw ShapeError("BroadcastTo", nameof(a), a, $"a shape that broadcasts to {ShapeMath.Format(shape)}");
        }

        Tensor output;
        using (GradMode.NoGrad())
        {
            using var zeros = Tensor.Zeros(shape);
            output = Add(zeros, a);
        }

        if (Autograd.NeedsGrad(a))
        {
            Autograd.Record(output, "ExpandBackward", [a], g => [SumToShape(g, a.Shape)]);
        }

        return output;
    }

    /// <summary>Index of the largest value along the last dimension, per row (not differentiable).</summary>
    public static int[] ArgMax(Tensor a)
    {
        if (a.Rank == 0)
        {
            return [0];
        }

        int width = a.Size(-1);
        int rows = a.Numel / Math.Max(width, 1);
        var result = new int[rows];
        var span = a.AsSpan();
        for (int r = 0; r < rows; r++)
        {
            result[r] = TensorPrimitives.IndexOfMax(span.Slice(r * width, width));
        }

        return result;
    }

    private static Tensor SumAxis(Tensor a, int dim)
    {
        var (outer, size, inner) = ShapeMath.Split(a.Shape, dim);
        var shape = a.Shape.ToArray();
        shape[dim] = 1;
        var output = Tensor.Zeros(shape);
        var src = a.AsSpan();
        var dst = output.AsSpan();
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                dst[o] = TensorPrimitives.Sum(src.Slice(o * size, size));
                continue;
            }

            var row = dst.Slice(o * inner, inner);
            for (int r = 0; r < size; r++)
            {
                TensorPrimitives.Add(row, src.Slice((o * size + r) * inner, inner), row);
            }
        }

        return output;
    }

    private static (int[] KeepShape, int[] OutShape, int[] Sorted) ReductionShapes(Tensor a, int[] dims, string argument)
    {
        ArgumentNullException.ThrowIfNull(dims, argument);
        var set = new SortedSet<int>();
        foreach (int d in dims)
        {
            if (!set.Add(ShapeMath.NormalizeDim(d, a.Rank, argument)))
            {
                throw new ArgumentException($"Dimension {d} appears more than once in {argument}.", argument);
            }
        }

        var keep = a.Shape.ToArray();
        var outShape = new List<int>();
        for (int i = 0; i < keep.Length; i++)
        {
            if (set.Contains(i))
            {
                keep[i] = 1;
            }
            else
            {
                outShape.Add(keep[i]);
            }
        }

        return (keep, outShape.ToArray(), set.ToArray());
    }
}
