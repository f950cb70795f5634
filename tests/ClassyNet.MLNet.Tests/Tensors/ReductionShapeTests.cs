using ClassyNet.MLNet.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class ReductionShapeTests
{
    [TestMethod]
    public void SumAndMeanForwardHandComputed()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Assert.AreEqual(21f, F.Sum(x).Item());
        Assert.AreEqual(3.5f, F.Mean(x).Item());
        Assert.AreEqual(0, F.Sum(x).Rank);
        var s0 = F.Sum(x, [0]);
        GradCheck.AssertShape(s0, 3);
        CollectionAssert.AreEqual(new[] { 5f, 7f, 9f }, s0.ToArray());
        var s1 = F.Sum(x, [1], keepDim: true);
        GradCheck.AssertShape(s1, 2, 1);
        CollectionAssert.AreEqual(new[] { 6f, 15f }, s1.ToArray());
        var sNeg = F.Sum(x, [-1]);
        GradCheck.AssertShape(sNeg, 2);
        CollectionAssert.AreEqual(new[] { 6f, 15f }, sNeg.ToArray());
        var sAll = F.Sum(x, [0, 1], keepDim: true);
        GradCheck.AssertShape(sAll, 1, 1);
        Assert.AreEqual(21f, sAll.Item());
        var m0 = F.Mean(x, [0]);
        CollectionAssert.AreEqual(new[] { 2.5f, 3.5f, 4.5f }, m0.ToArray());
        var m1 = F.Mean(x, [1], keepDim: true);
        GradCheck.AssertShape(m1, 2, 1);
        CollectionAssert.AreEqual(new[] { 2f, 5f }, m1.ToArray());
    }

    [TestMethod]
    public void SumOverMiddleAndMultipleAxes()
    {
        using var scope = TensorScope.Begin();
        var x = GradCheck.Randn(20, 2, 3, 4, 5);
        var s = F.Sum(x, [1, 3]);
        GradCheck.AssertShape(s, 2, 4);
        for (int i = 0; i < 2; i++)
        {
            for (int k = 0; k < 4; k++)
            {
                double expected = 0;
                for (int j = 0; j < 3; j++)
                {
                    for (int l = 0; l < 5; l++)
                    {
                        expected += x[i, j, k, l];
                    }
                }

                Assert.AreEqual(expected, s[i, k], 1e-5);
            }
        }
    }

    [TestMethod]
    public void SumMeanGradCheck()
    {
        var shape = new[] { 2, 3, 4 };
        GradCheck.Check(x => F.Sum(x[0]), [GradCheck.Randn(21, shape)]);
        GradCheck.Check(x => F.Mean(x[0]), [GradCheck.Randn(22, shape)]);
        foreach (var keep in new[] { false, true })
        {
            foreach (var dims in new[] { new[] { 0 }, new[] { 1 }, new[] { 2 }, new[] { -1 }, new[] { 0, 2 }, new[] { 0, 1, 2 } })
            {
                GradCheck.Check(x => F.Sum(x[0], dims, keep), [GradCheck.Randn(23, shape)]);
                GradCheck.Check(x => F.Mean(x[0], dims, keep), [GradCheck.Randn(24, shape)]);
            }
        }
    }

    [TestMethod]
    public void ReductionRejectsRepeatedOrOutOfRangeDims()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(2, 3);
        Assert.Throws<ArgumentException>(() => F.Sum(x, [1, -1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Sum(x, [2]));
    }

    [TestMethod]
    public void BroadcastToForwardAndGrad()
    {
        using (TensorScope.Begin())
        {
            var x = Tensor.FromArray([1f, 2f, 3f], 3, 1);
            var y = F.BroadcastTo(x, [2, 3, 2]);
            GradCheck.AssertShape(y, 2, 3, 2);
            CollectionAssert.AreEqual(new[] { 1f, 1f, 2f, 2f, 3f, 3f, 1f, 1f, 2f, 2f, 3f, 3f }, y.ToArray());
            Assert.Throws<ArgumentException>(() => F.BroadcastTo(x, [3, 2, 1]).ToArray());
        }

        GradCheck.Check(x => F.BroadcastTo(x[0], [2, 3, 4]), [GradCheck.Randn(25, 3, 1)]);
        GradCheck.Check(x => F.BroadcastTo(x[0], [2, 4]), [GradCheck.Randn(26, 4)]);
        GradCheck.Check(x => F.BroadcastTo(x[0], [3, 2]), [GradCheck.Randn(27)]);
    }

    [TestMethod]
    public void ReshapeAndFlattenShareStorageAndGrad()
    {
        using (TensorScope.Begin())
        {
            var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
            var r = x.Reshape(3, -1);
            GradCheck.AssertShape(r, 3, 2);
            CollectionAssert.AreEqual(x.ToArray(), r.ToArray());
            r[0, 0] = 42f;
            Assert.AreEqual(42f, x[0, 0], "a reshape shares storage");
            var f = F.Flatten(Tensor.Zeros(2, 3, 4, 5), 1);
            GradCheck.AssertShape(f, 2, 60);
            GradCheck.AssertShape(F.Flatten(Tensor.Zeros(2, 3, 4, 5), 1, 2), 2, 12, 5);
            GradCheck.AssertShape(F.Flatten(Tensor.Zeros(2, 3, 4, 5), 0), 120);
        }

        GradCheck.Check(x => x[0].Reshape(6, 2), [GradCheck.Randn(28, 3, 4)]);
        GradCheck.Check(x => F.Flatten(x[0]), [GradCheck.Randn(29, 2, 3, 2, 2)]);
        GradCheck.Check(x => F.Mul(x[0].Reshape(4, 3), x[0].Reshape(4, 3)), [GradCheck.Randn(30, 2, 6)]);
    }

    [TestMethod]
    public void ConcatForwardAndGrad()
    {
        using (TensorScope.Begin())
        {
            var a = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
            var b = Tensor.FromArray([5f, 6f], 2, 1);
            var c = F.Concat([a, b], 1);
            GradCheck.AssertShape(c, 2, 3);
            CollectionAssert.AreEqual(new[] { 1f, 2f, 5f, 3f, 4f, 6f }, c.ToArray());
            var d = F.Concat([a, Tensor.FromArray([7f, 8f], 1, 2)], 0);
            CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f, 7f, 8f }, d.ToArray());
        }

        GradCheck.Check(x => F.Concat(x, 1), [GradCheck.Randn(31, 2, 3, 4), GradCheck.Randn(32, 2, 1, 4), GradCheck.Randn(33, 2, 2, 4)]);
        GradCheck.Check(x => F.Concat(x, 0), [GradCheck.Randn(34, 1, 3), GradCheck.Randn(35, 2, 3)]);
        GradCheck.Check(x => F.Concat(x, -1), [GradCheck.Randn(36, 2, 2), GradCheck.Randn(37, 2, 3)]);
        GradCheck.Check(x => F.Concat([x[0], x[0]], 1), [GradCheck.Randn(38, 2, 2)]);
    }

    [TestMethod]
    public void NarrowAndIndexSelectForwardAndGrad()
    {
        using (TensorScope.Begin())
        {
            var x = Tensor.FromArray([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f], 3, 4);
            var n = F.Narrow(x, 1, 1, 2);
            GradCheck.AssertShape(n, 3, 2);
            CollectionAssert.AreEqual(new[] { 1f, 2f, 5f, 6f, 9f, 10f }, n.ToArray());
            var s = F.IndexSelect(x, 0, [2, 0, 2]);
            GradCheck.AssertShape(s, 3, 4);
            CollectionAssert.AreEqual(new[] { 8f, 9f, 10f, 11f, 0f, 1f, 2f, 3f, 8f, 9f, 10f, 11f }, s.ToArray());
            Assert.Throws<ArgumentOutOfRangeException>(() => F.Narrow(x, 1, 3, 2));
            Assert.Throws<ArgumentOutOfRangeException>(() => F.IndexSelect(x, 0, [3]));
            Assert.Throws<ArgumentOutOfRangeException>(() => F.IndexSelect(x, 0, [-1]));
        }

        GradCheck.Check(x => F.Narrow(x[0], 1, 1, 2), [GradCheck.Randn(38, 2, 4, 3)]);
        GradCheck.Check(x => F.Narrow(x[0], 0, 0, 1), [GradCheck.Randn(39, 3, 2)]);
        GradCheck.Check(x => F.IndexSelect(x[0], 0, [1, 1, 0, 3, 1]), [GradCheck.Randn(40, 4, 3)]);
        GradCheck.Check(x => F.IndexSelect(x[0], 1, [2, 2, 0]), [GradCheck.Randn(41, 2, 3, 2)]);
    }

    [TestMethod]
    public void IndexSelectRepeatedIndicesAccumulateGradient()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(3, 2).RequiresGrad_();
        F.Sum(F.IndexSelect(x, 0, [1, 1, 1, 2])).Backward();
        CollectionAssert.AreEqual(new[] { 0f, 0f, 3f, 3f, 1f, 1f }, x.Grad!.ToArray());
    }
}
