namespace ClassyNet.MLNet.Tensors;

/// <summary>
/// Differentiable operations on <see cref="Tensor"/> (the role of <c>torch</c> and <c>torch.nn.functional</c>).
/// Every op checks its arguments, computes the forward result, and records a backward function on the tape when
/// grad mode is on and an input requires grad.
/// </summary>
public static partial class Functional
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the op, argument and both shapes.</summary>
    internal static Exception ShapeError(string op, string argument, Tensor actual, string expected) =>
        new ArgumentException($"{op}: {argument} has shape {actual.ShapeString}, expected {expected}.", argument);

    internal static void RequireRank(string op, string argument, Tensor t, int rank, string layout)
    {
        if (t.Rank != rank)
        {
            throw ShapeError(op, argument, t, $"rank {rank} ({layout})");
        }
    }

    private static Tensor EmptyLike(Tensor t) => Tensor.Empty(t.Shape.ToArray());
}
