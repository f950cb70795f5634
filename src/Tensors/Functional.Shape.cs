namespace ClassyNet.MLNet.Tensors;

public static partial class Functional
{
    /// <summary>Same elements, new shape (shares storage); one dimension may be -1.</summary>
    public static Tensor Reshape(Tensor a, params int[] shape)
    {
        var resolved = ResolveShape(a, shape);
        var output = a.ViewWithShape(resolved);
        if (Autograd.NeedsGrad(a))
        {
            var original = a.Shape.ToArray();
            Autograd.Record(output, "ViewBackward", [a], g => [g.Reshape(original)]);
        }

        return output;
    }

    /// <summary>Flattens dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public static Tensor Flatten(Tensor a, int startDim = 1, int endDim = -1)
    {
        int start = ShapeMath.NormalizeDim(startDim, a.Rank, nameof(startDim));
        int end = ShapeMath.NormalizeDim(endDim, a.Rank, nameof(endDim));
        if (end < start)
        {
            throw new ArgumentException($"Flatten: endDim {endDim} comes before startDim {startDim} for shape {a.ShapeString}.", nameof(endDim));
        }

        var shape = new List<int>();
        int merged = 1;
        for (int i = 0; i < a.Rank; i++)
        {
            if (i < start || i > end)
            {
                shape.Add(a.Size(i));
            }
            else
            {
                merged *= a.Size(i);
                if (i == end)
                {
                    shape.Add(merged);
                }
            }
        }

        return Reshape(a, shape.ToArray());
    }

    /// <summary>Joins tensors along <paramref name="dim"/>; all other dimensions must agree.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Concat needs at least one tensor.", nameof(tensors));
        }

        var first = tensors[0];
        int d = ShapeMath.NormalizeDim(dim, first.Rank, nameof(dim));
        var shape = first.Shape.ToArray();
        int total = 0;
        for (int t = 0; t < tensors.Count; t++)
        {
            var x = tensors[t];
            if (x.Rank != first.Rank)
            {
                throw ShapeError("Concat", $"tensors[{t}]", x, $"rank {first.Rank} like tensors[0] {first.ShapeString}");
            }

            for (int i = 0; i < shape.Length; i++)
            {
                if (i != d && x.Size(i) != shape[i])
                {
                    throw ShapeError("Concat", $"tensors[{t}]", x, $"the shape of tensors[0] {first.ShapeString} except in dimension {d}");
                }
            }

            total += x.Size(d);
        }

        shape[d] = total;
        var output = Tensor.Empty(shape);
        var (outer, _, inner) = ShapeMath.Split(shape, d);
        var dst = output.AsSpan();
        int offset = 0;
        foreach (var x in tensors)
        {
            int chunk = x.Size(d) * inner;
            var src = x.AsSpan();
            for (int o = 0; o < outer; o++)
            {
                src.Slice(o * chunk, chunk).CopyTo(dst.Slice(o * total * inner + offset, chunk));
            }

            offset += chunk;
        }

        var inputs = tensors.ToArray();
        if (Autograd.NeedsGrad(inputs))
        {
            Autograd.Record(output, "CatBackward", inputs, g =>
            {
                var grads = new Tensor?[inputs.Length];
                int start = 0;
                for (int t = 0; t < inputs.Length; t++)
                {
                    int size = inputs[t].Size(d);
                    if (inputs[t].RequiresGrad)
                    {
                        grads[t] = Narrow(g, d, start, size);
                    }

                    start += size;
                }

                return grads;
            });
        }

        return output;
    }

    /// <summary>The slice <paramref name="start"/>..<paramref name="start"/>+<paramref name="length"/> of dimension <paramref name="dim"/> (a copy).</summary>
    public static Tensor Narrow(Tensor a, int dim, int start, int length)
    {
        int d = ShapeMath.NormalizeDim(dim, a.Rank, nameof(dim));
        if (start < 0 || length < 0 || start + length > a.Size(d))
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow: range [{start}, {start + length}) is outside dimension {d} of size {a.Size(d)} in {a.ShapeString}.");
        }

        var indices = new int[length];
        for (int i = 0; i < length; i++)
        {
            indices[i] = start + i;
        }

        return IndexSelect(a, d, indices);
    }

    /// <summary>
    /// Picks the entries <paramref name="indices"/> along <paramref name="dim"/> (a copy; indices may repeat).
    /// Early exit uses it on dimension 0 to compact a batch to the samples still in flight.
    /// </summary>
    public static Tensor IndexSelect(Tensor a, int dim, ReadOnlySpan<int> indices)
    {
        int d = ShapeMath.NormalizeDim(dim, a.Rank, nameof(dim));
        var (outer, size, inner) = ShapeMath.Split(a.Shape, d);
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)size)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"IndexSelect: indices[{i}] = {indices[i]} is outside dimension {d} of size {size} in {a.ShapeString}.");
            }
        }

        var shape = a.Shape.ToArray();
        shape[d] = indices.Length;
        var output = Tensor.Empty(shape);
        var src = a.AsSpan();
        var dst = output.AsSpan();
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < indices.Length; i++)
            {
                src.Slice((o * size + indices[i]) * inner, inner).CopyTo(dst.Slice((o * indices.Length + i) * inner, inner));
            }
        }

        if (Autograd.NeedsGrad(a))
        {
            var saved = indices.ToArray();
            Autograd.Record(output, "IndexSelectBackward", [a], g =>
            {
                var grad = Tensor.Zeros(a.Shape.ToArray());
                var gs = g.AsSpan();
                var gd = grad.AsSpan();
                for (int o = 0; o < outer; o++)
                {
                    for (int i = 0; i < saved.Length; i++)
                    {
                        var row = gd.Slice((o * size + saved[i]) * inner, inner);
                        System.Numerics.Tensors.TensorPrimitives.Add(row, gs.Slice((o * saved.Length + i) * inner, inner), row);
                    }
                }

                return [grad];
            });
        }

        return output;
    }

    private static int[] ResolveShape(Tensor a, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var resolved = (int[])shape.Clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1)
            {
                if (inferred >= 0)
                {
                    throw new ArgumentException($"Reshape: shape {ShapeMath.Format(shape)} has more than one -1.", nameof(shape));
                }

                inferred = i;
            }
            else if (resolved[i] < 0)
            {
                throw new ArgumentException($"Reshape: shape {ShapeMath.Format(shape)} has a negative dimension.", nameof(shape));
            }
            else
            {
                known *= resolved[i];
            }
        }

        if (inferred >= 0)
        {
            if (known == 0 || a.Numel % known != 0)
            {
                throw new ArgumentException($"Reshape: cannot reshape {a.ShapeString} ({a.Numel} elements) to {ShapeMath.Format(shape)}.", nameof(shape));
            }

            resolved[inferred] = (int)(a.Numel / known);
        }
        else if (known != a.Numel)
        {
            throw new ArgumentException($"Reshape: cannot reshape {a.ShapeString} ({a.Numel} elements) to {ShapeMath.Format(shape)} ({known} elements).", nameof(shape));
        }

        return resolved;
    }
}
