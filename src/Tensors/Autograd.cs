namespace ClassyNet.MLNet.Tensors;

/// <summary>Records operations on the tape and runs reverse-mode differentiation.</summary>
internal static class Autograd
{
    /// <summary>True when an op with these inputs must be recorded.</summary>
    public static bool NeedsGrad(Tensor a) => GradMode.IsEnabled && a.RequiresGrad;

    /// <summary>True when an op with these inputs must be recorded.</summary>
    public static bool NeedsGrad(Tensor a, Tensor b) => GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad);

    /// <summary>True when an op with these inputs must be recorded.</summary>
    public static bool NeedsGrad(ReadOnlySpan<Tensor?> inputs)
    {
        if (!GradMode.IsEnabled)
        {
            return false;
        }

        foreach (var t in inputs)
        {
            if (t is not null && t.RequiresGrad)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Attaches a node to <paramref name="output"/>; <paramref name="backward"/> returns one gradient (or null) per input.</summary>
    public static Tensor Record(Tensor output, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        output.GradFn = new AutogradNode(name, inputs, backward);
        output.RequiresGrad = true;
        return output;
    }

    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph)
    {
        if (!root.RequiresGrad)
        {
            throw new InvalidOperationException(
                $"Backward() on a tensor {root.ShapeString} that does not require grad and has no grad function: nothing upstream of it requires grad.");
        }

        if (gradient is null)
        {
            if (root.Numel != 1)
            {
                throw new InvalidOperationException(
                    $"Backward() without a gradient needs a scalar output; this tensor has shape {root.ShapeString}. Pass a gradient of the same shape.");
            }

            gradient = Tensor.Ones(root.Shape.ToArray());
        }
        else if (!ShapeMath.SameShape(gradient.Shape, root.Shape))
        {
            throw new ArgumentException($"Backward(): gradient shape {gradient.ShapeString} does not match output shape {root.ShapeString}.", nameof(gradient));
        }

        using var noGrad = GradMode.NoGrad();
        if (root.GradFn is null)
        {
            AccumulateLeaf(root, gradient);
            return;
        }

        var order = TopologicalOrder(root);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [root] = gradient };
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var tensor = order[i];
            if (!grads.Remove(tensor, out var g))
            {
                continue;
            }

            var node = tensor.GradFn!;
            var inputs = node.Inputs;
            var inputGrads = node.Apply(g);
            for (int j = 0; j < inputs.Length; j++)
            {
                var input = inputs[j];
                var ig = inputGrads[j];
                if (ig is null || !input.RequiresGrad)
                {
                    continue;
                }

                if (!ShapeMath.SameShape(ig.Shape, input.Shape))
                {
                    throw new InvalidOperationException($"Internal error: {node.Name} produced gradient {ig.ShapeString} for input {input.ShapeString}.");
                }

                if (input.GradFn is null)
                {
                    AccumulateLeaf(input, ig);
                }
                else if (grads.TryGetValue(input, out var existing))
                {
                    grads[input] = Functional.Add(existing, ig);
                }
                else
                {
                    grads[input] = ig;
                }
            }

            if (!retainGraph)
            {
                node.Release();
            }
        }
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor grad)
    {
        if (leaf.Grad is null)
        {
            leaf.Grad = TensorScope.Untracked(() => Tensor.FromArray(grad.AsSpan(), leaf.Shape.ToArray()));
        }
        else
        {
            leaf.Grad.AddInPlace(grad);
        }
    }

    /// <summary>Non-leaf tensors reachable from <paramref name="root"/>, every tensor after the tensors it depends on.</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, int Next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (tensor, next) = stack.Pop();
            var node = tensor.GradFn!;
            if (node.IsReleased)
            {
                node.Apply(tensor); // throws the "backward twice" error naming the node
            }

            var inputs = node.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((tensor, next + 1));
                var input = inputs[next];
                if (input.GradFn is not null && input.RequiresGrad && visited.Add(input))
                {
                    stack.Push((input, 0));
                }
            }
            else
            {
                order.Add(tensor);
            }
        }

        return order;
    }
}
