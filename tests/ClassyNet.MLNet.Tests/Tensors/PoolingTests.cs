using ClassyNet.MLNet.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class PoolingTests
{
    private static Tensor OneToNine() => Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f], 1, 1, 3, 3);

    [TestMethod]
    public void MaxPoolForwardHandComputed()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 5f, 2f, 0f, -1f, 3f, 8f, 7f, 4f, 4f, -2f, -3f, 0f, 9f, -4f, -5f], 1, 1, 4, 4);
        var y = F.MaxPool2d(x, (2, 2));
        GradCheck.AssertShape(y, 1, 1, 2, 2);
        CollectionAssert.AreEqual(new[] { 5f, 8f, 9f, -2f }, y.ToArray());
        var overlapping = F.MaxPool2d(OneToNine(), (2, 2), (1, 1));
        CollectionAssert.AreEqual(new[] { 5f, 6f, 8f, 9f }, overlapping.ToArray());
        // Padding never wins, even against negative values.
        var negative = F.MulScalar(OneToNine(), -1f);
        var padded = F.MaxPool2d(negative, (3, 3), (2, 2), (1, 1));
        GradCheck.AssertShape(padded, 1, 1, 2, 2);
        CollectionAssert.AreEqual(new[] { -1f, -2f, -4f, -5f }, padded.ToArray());
    }

    [TestMethod]
    public void MaxPoolGradientGoesToTheArgmax()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([1f, 5f, 2f, 0f, -1f, 3f, 8f, 7f, 4f, 4f, -2f, -3f, 0f, 9f, -4f, -5f], 1, 1, 4, 4).RequiresGrad_();
        F.MaxPool2d(x, (2, 2)).Backward(Tensor.FromArray([1f, 2f, 3f, 4f], 1, 1, 2, 2));
        CollectionAssert.AreEqual(new[] { 0f, 1f, 0f, 0f, 0f, 0f, 2f, 0f, 0f, 0f, 4f, 0f, 0f, 3f, 0f, 0f }, x.Grad!.ToArray());
    }

    [TestMethod]
    [DataRow(2, 2, 0)]
    [DataRow(3, 2, 1)]
    [DataRow(3, 1, 1)]
    [DataRow(2, 1, 0)]
    public void MaxPoolGradCheck(int kernel, int stride, int padding)
    {
        // Distinct values 0.05 apart: no ties within a window, five finite-difference steps (h = 1e-2) from any.
        GradCheck.Check(x => F.MaxPool2d(x[0], (kernel, kernel), (stride, stride), (padding, padding)), [GradCheck.DistinctValues(100, 0.05f, 2, 2, 5, 6)]);
    }

    [TestMethod]
    public void AvgPoolForwardHandComputed()
    {
        using var scope = TensorScope.Begin();
        var y = F.AvgPool2d(OneToNine(), (2, 2), (1, 1));
        CollectionAssert.AreEqual(new[] { 3f, 4f, 6f, 7f }, y.ToArray());
        // Padded zeros count in the divisor (PyTorch's count_include_pad = True).
        var padded = F.AvgPool2d(OneToNine(), (2, 2), (2, 2), (1, 1));
        GradCheck.AssertShape(padded, 1, 1, 2, 2);
        CollectionAssert.AreEqual(new[] { 0.25f, 1.25f, 2.75f, 7f }, padded.ToArray());
    }

    [TestMethod]
    [DataRow(2, 2, 0)]
    [DataRow(3, 2, 1)]
    [DataRow(3, 1, 0)]
    public void AvgPoolGradCheck(int kernel, int stride, int padding)
    {
        GradCheck.Check(x => F.AvgPool2d(x[0], (kernel, kernel), (stride, stride), (padding, padding)), [GradCheck.Randn(101, 2, 2, 5, 6)]);
    }

    [TestMethod]
    public void AdaptiveAvgPoolForwardHandComputed()
    {
        using var scope = TensorScope.Begin();
        // 3 -> 2 bins: [0, 2) and [1, 3) (overlapping, as in PyTorch).
        var y = F.AdaptiveAvgPool2d(OneToNine(), (2, 2));
        CollectionAssert.AreEqual(new[] { 3f, 4f, 6f, 7f }, y.ToArray());
        var g = F.GlobalAvgPool2d(OneToNine());
        GradCheck.AssertShape(g, 1, 1);
        Assert.AreEqual(5f, g.Item());
        var same = F.AdaptiveAvgPool2d(OneToNine(), (3, 3));
        CollectionAssert.AreEqual(OneToNine().ToArray(), same.ToArray());
    }

    [TestMethod]
    [DataRow(5, 7, 3, 2)]
    [DataRow(7, 5, 4, 3)]
    [DataRow(6, 6, 4, 4)]
    [DataRow(4, 4, 2, 2)]
    [DataRow(5, 3, 1, 1)]
    public void AdaptiveAvgPoolMatchesPyTorchBins(int h, int w, int oh, int ow)
    {
        using (TensorScope.Begin())
        {
            var x = GradCheck.Randn(102, 2, 3, h, w);
            var y = F.AdaptiveAvgPool2d(x, (oh, ow));
            GradCheck.AssertShape(y, 2, 3, oh, ow);
            for (int s = 0; s < 2; s++)
            {
                for (int c = 0; c < 3; c++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        int y0 = (int)Math.Floor((double)i * h / oh), y1 = (int)Math.Ceiling((double)(i + 1) * h / oh);
                        for (int j = 0; j < ow; j++)
                        {
                            int x0 = (int)Math.Floor((double)j * w / ow), x1 = (int)Math.Ceiling((double)(j + 1) * w / ow);
                            double sum = 0;
                            for (int yy = y0; yy < y1; yy++)
                            {
                                for (int xx = x0; xx < x1; xx++)
                                {
                                    sum += x[s, c, yy, xx];
                                }
                            }

                            Assert.AreEqual(sum / ((y1 - y0) * (x1 - x0)), y[s, c, i, j], 1e-5);
                        }
                    }
                }
            }
        }

        GradCheck.Check(x => F.AdaptiveAvgPool2d(x[0], (oh, ow)), [GradCheck.Randn(103, 2, 2, h, w)]);
    }

    [TestMethod]
    public void GlobalAvgPoolGradCheck()
    {
        GradCheck.Check(x => F.GlobalAvgPool2d(x[0]), [GradCheck.Randn(104, 2, 3, 4, 5)]);
    }

    [TestMethod]
    public void PoolingModulesMatchFunctional()
    {
        using var scope = TensorScope.Begin();
        var x = GradCheck.Randn(105, 2, 3, 6, 6);
        CollectionAssert.AreEqual(F.MaxPool2d(x, (3, 3), (2, 2), (1, 1)).ToArray(), new ClassyNet.MLNet.Tensors.Nn.MaxPool2d(3, 2, 1).Forward(x).ToArray());
        CollectionAssert.AreEqual(F.AvgPool2d(x, (2, 2)).ToArray(), new ClassyNet.MLNet.Tensors.Nn.AvgPool2d(2).Forward(x).ToArray());
        CollectionAssert.AreEqual(F.AdaptiveAvgPool2d(x, (4, 5)).ToArray(), new ClassyNet.MLNet.Tensors.Nn.AdaptiveAvgPool2d(4, 5).Forward(x).ToArray());
        GradCheck.AssertShape(new ClassyNet.MLNet.Tensors.Nn.Flatten().Forward(x), 2, 108);
    }

    [TestMethod]
    public void MaxPoolBackwardWithRetainedGraphCanRunTwice()
    {
        // retainGraph: true must allow a second backward through every op; the second pass must give the same gradient.
        using var scope = TensorScope.Begin();
        var x = GradCheck.DistinctValues(106, 0.05f, 1, 2, 4, 4).RequiresGrad_();
        var y = F.Sum(F.MaxPool2d(x, (2, 2)));
        y.Backward(retainGraph: true);
        var first = x.Grad!.ToArray();
        y.Backward();
        var second = x.Grad!.ToArray();
        for (int i = 0; i < first.Length; i++)
        {
            Assert.AreEqual(2 * first[i], second[i], $"element {i}");
        }
    }

    [TestMethod]
    public void PoolingBackwardWithRetainedGraphCanRunTwice()
    {
        using var scope = TensorScope.Begin();
        var x = GradCheck.Randn(107, 1, 2, 4, 4).RequiresGrad_();
        var y = F.Sum(F.Add(F.Sum(F.AvgPool2d(x, (2, 2)), [2, 3]), F.GlobalAvgPool2d(x)));
        y.Backward(retainGraph: true);
        var first = x.Grad!.ToArray();
        y.Backward();
        CollectionAssert.AreEqual(first.Select(v => 2 * v).ToArray(), x.Grad!.ToArray());
    }
}
