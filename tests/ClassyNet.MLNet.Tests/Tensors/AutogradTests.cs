using ClassyNet.MLNet.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class AutogradTests
{
    [TestMethod]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 2f, 3f], 3).RequiresGrad_();
        F.Sum(F.Mul(x, x)).Backward();
        CollectionAssert.AreEqual(new[] { 2f, 4f, 6f }, x.Grad!.ToArray());
        F.Sum(F.MulScalar(x, 3f)).Backward();
        CollectionAssert.AreEqual(new[] { 5f, 7f, 9f }, x.Grad!.ToArray());
        x.Grad.Zero_();
        F.Sum(x).Backward();
        CollectionAssert.AreEqual(new[] { 1f, 1f, 1f }, x.Grad!.ToArray());
    }

    [TestMethod]
    public void BackwardOnNonScalarWithoutGradientThrows()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones(2, 3).RequiresGrad_();
        var y = F.MulScalar(x, 2f);
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        StringAssertContains(e.Message, "[2, 3]");
        y.Backward(Tensor.Full([2, 3], 0.5f));
        CollectionAssert.AreEqual(Enumerable.Repeat(1f, 6).ToArray(), x.Grad!.ToArray());
    }

    [TestMethod]
    public void BackwardWithWrongGradientShapeThrows()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones(2, 3).RequiresGrad_();
        var y = F.MulScalar(x, 2f);
        Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones(3, 2)));
    }

    [TestMethod]
    public void BackwardOnTensorThatDoesNotRequireGradThrows()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones(3);
        var y = F.Sum(F.Mul(x, x));
        Assert.IsFalse(y.RequiresGrad);
        Assert.IsNull(y.GradFnName);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [TestMethod]
    public void BackwardTwiceThroughFreedGraphThrows()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 2f], 2).RequiresGrad_();
        var y = F.Sum(F.Mul(F.Exp(x), x));
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        StringAssertContains(e.Message, "second time");
        // A second output sharing an already-freed node also fails, rather than silently giving a partial gradient.
        var x2 = Tensor.FromArray([1f, 2f], 2).RequiresGrad_();
        var shared = F.Exp(x2);
        var a = F.Sum(shared);
        var b = F.Sum(F.MulScalar(shared, 2f));
        a.Backward();
        var e2 = Assert.Throws<InvalidOperationException>(() => b.Backward());
        StringAssertContains(e2.Message, "second time");
    }

    [TestMethod]
    public void RetainGraphAllowsASecondBackward()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 2f, 3f], 3).RequiresGrad_();
        var y = F.Sum(F.Mul(x, x));
        y.Backward(retainGraph: true);
        y.Backward(retainGraph: true);
        y.Backward();
        CollectionAssert.AreEqual(new[] { 6f, 12f, 18f }, x.Grad!.ToArray());
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [TestMethod]
    public void DetachStopsGradients()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 2f, 3f], 3).RequiresGrad_();
        var d = x.Detach();
        Assert.IsFalse(d.RequiresGrad);
        Assert.IsTrue(d.IsLeaf);
        CollectionAssert.AreEqual(x.ToArray(), d.ToArray());
        F.Sum(F.Mul(x, d)).Backward();
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f }, x.Grad!.ToArray(), "only the non-detached factor contributes");
        var onlyDetached = F.Sum(F.MulScalar(d, 2f));
        Assert.Throws<InvalidOperationException>(() => onlyDetached.Backward());

        // Detaching an intermediate result cuts the graph there.
        var z = Tensor.FromArray([1f, 2f], 2).RequiresGrad_();
        var mid = F.Exp(z).Detach();
        F.Sum(F.Add(F.Mul(mid, z), z)).Backward();
        GradCheck.AssertClose(new[] { Math.E + 1, Math.Exp(2) + 1 }, z.Grad!.AsSpan(), 1e-6, "d/dz (stop(e^z) z + z)");
    }

    [TestMethod]
    public void RequiresGradCannotBeClearedOnNonLeaf()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones(2).RequiresGrad_();
        var y = F.MulScalar(x, 2f);
        Assert.IsFalse(y.IsLeaf);
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
    }

    [TestMethod]
    public void NoGradScopesNestAndRestore()
    {
        Assert.IsTrue(GradMode.IsEnabled);
        using (GradMode.NoGrad())
        {
            Assert.IsFalse(GradMode.IsEnabled);
            using (GradMode.NoGrad())
            {
                Assert.IsFalse(GradMode.IsEnabled);
            }

            Assert.IsFalse(GradMode.IsEnabled, "the inner NoGrad restores the outer NoGrad, not enabled");
            using (GradMode.EnableGrad())
            {
                Assert.IsTrue(GradMode.IsEnabled);
            }

            Assert.IsFalse(GradMode.IsEnabled);
        }

        Assert.IsTrue(GradMode.IsEnabled);
        using (GradMode.EnableGrad())
        {
            Assert.IsTrue(GradMode.IsEnabled);
        }

        Assert.IsTrue(GradMode.IsEnabled);
    }

    [TestMethod]
    public void OpsUnderNoGradHaveNoGradFn()
    {
        using var scope = TensorScope.Begin();
        var x = GradCheck.Randn(130, 2, 3, 4, 4).RequiresGrad_();
        var w = GradCheck.Randn(131, 5, 3, 3, 3).RequiresGrad_();
        using (GradMode.NoGrad())
        {
            foreach (var y in new[]
            {
                F.Add(x, x), F.MulScalar(x, 2f), F.Exp(x), F.Sum(x), F.Mean(x, [1]), F.Reshape(x, 6, 16), F.Relu(x),
                F.Conv2d(x, w), F.MaxPool2d(x, (2, 2)), F.AvgPool2d(x, (2, 2)), F.GlobalAvgPool2d(x), F.Softmax(x, 1),
                F.LogSoftmax(x, 1), F.Narrow(x, 0, 0, 1), F.Concat([x, x], 1), F.Dropout(x, 0.5f, true, new Generator(1)),
                F.CrossEntropy(F.Flatten(x), [0, 1]), F.SoftmaxEntropy(F.Flatten(x)), F.BroadcastTo(x, [2, 2, 3, 4, 4]),
            })
            {
                Assert.IsNull(y.GradFnName, y.ToString());
                Assert.IsFalse(y.RequiresGrad, y.ToString());
            }
        }

        var tracked = F.Exp(x);
        Assert.AreEqual("ExpBackward", tracked.GradFnName);
        Assert.IsTrue(tracked.RequiresGrad);
    }

    [TestMethod]
    public void TensorUsedTwiceGetsBothContributions()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, -2f, 3f], 3).RequiresGrad_();
        F.Sum(F.Add(x, x)).Backward();
        CollectionAssert.AreEqual(new[] { 2f, 2f, 2f }, x.Grad!.ToArray());
        x.Grad = null;
        F.Sum(F.Mul(x, x)).Backward();
        CollectionAssert.AreEqual(new[] { 2f, -4f, 6f }, x.Grad!.ToArray());

        // Diamond through an intermediate: y = a * a + a with a = 2x, dy/dx = 2 (2a + 1) = 8x + 2.
        x.Grad = null;
        var a = F.MulScalar(x, 2f);
        F.Sum(F.Add(F.Mul(a, a), a)).Backward();
        CollectionAssert.AreEqual(new[] { 10f, -14f, 26f }, x.Grad!.ToArray());

        GradCheck.Check(t => F.Mul(F.Exp(t[0]), F.Add(t[0], F.Softmax(t[0], 0))), [GradCheck.Randn(132, 4)]);
    }

    [TestMethod]
    public void BackwardOnLeafAccumulatesGradientDirectly()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Scalar(3f).RequiresGrad_();
        x.Backward();
        Assert.AreEqual(1f, x.Grad!.Item());
    }

    [TestMethod]
    public void GradientsAreLongLivedAndNotTrackedByScopes()
    {
        var x = Tensor.FromArray([1f, 2f], 2).RequiresGrad_();
        using (TensorScope.Begin())
        {
            F.Sum(F.Mul(x, x)).Backward();
        }

        CollectionAssert.AreEqual(new[] { 2f, 4f }, x.Grad!.ToArray());
    }

    internal static void StringAssertContains(string text, string part) =>
        Assert.IsTrue(text.Contains(part, StringComparison.Ordinal), $"'{text}' does not contain '{part}'");
}

[TestClass]
public sealed class GradCheckSelfTests
{
    /// <summary>y = x^2 recorded with a deliberately wrong backward (scale).</summary>
    private static Tensor SquareWithBackwardScale(Tensor x, float scale)
    {
        Tensor y;
        using (GradMode.NoGrad())
        {
            y = F.Mul(x, x);
        }

        return Autograd.Record(y, "WrongSquare", [x], g => [F.MulScalar(F.Mul(g, x), scale)]);
    }

    [TestMethod]
    public void HelperAcceptsCorrectGradient() => GradCheck.Check(x => SquareWithBackwardScale(x[0], 2f), [GradCheck.Randn(140, 3, 4)]);

    [TestMethod]
    public void HelperRejectsGradientOffByTwoPercent() =>
        Assert.Throws<AssertFailedException>(() => GradCheck.Check(x => SquareWithBackwardScale(x[0], 2.04f), [GradCheck.Uniform(141, 1f, 2f, 3, 4)]));

    [TestMethod]
    public void HelperRejectsZeroedGradient() =>
        Assert.Throws<AssertFailedException>(() => GradCheck.Check(x => F.Add(SquareWithBackwardScale(x[0], 0f), x[1]), [GradCheck.Randn(142, 3), GradCheck.Randn(143, 3)]));
}
