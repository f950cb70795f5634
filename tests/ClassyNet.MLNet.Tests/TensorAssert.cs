using static TorchSharp.torch;

namespace ClassyNet.MLNet.Tests;

/// <summary>Exact comparisons of libtorch tensors for the tests.</summary>
internal static class TensorAssert
{
    /// <summary>True when both tensors have the same shape and dtype and every element is equal (NaN never is).</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype)
        {
            return false;
        }

        using var equal = a.eq(b);
        using var all = equal.all();
        return all.item<bool>();
    }
}
