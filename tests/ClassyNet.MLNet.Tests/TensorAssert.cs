using Microsoft.VisualStudio.TestTools.UnitTesting;
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

    /// <summary>Fails unless both tensors have the same shape and every element differs by at most <paramref name="tolerance"/>.</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance, string what)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what}: shapes differ");
        using var difference = (expected - actual).abs().max();
        double largest = difference.item<float>();
        Assert.IsTrue(largest <= tolerance, $"{what}: largest difference {largest} > {tolerance}");
    }
}
