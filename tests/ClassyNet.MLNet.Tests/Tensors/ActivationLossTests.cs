using ClassyNet.MLNet.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class ActivationLossTests
{
    [TestMethod]
    public void ReluForwardAndGrad()
    {
        using (TensorScope.Begin())
        {
            var x = Tensor.FromArray([-2f, -0.5f, 0f, 0.5f, 3f], 5);
            CollectionAssert.AreEqual(new[] { 0f, 0f, 0f, 0.5f, 3f }, F.Relu(x).ToArray());
            // Large enough for the chunked path.
            var big = GradCheck.Randn(110, 300, 301);
            var y = F.Relu(big);
            var bs = big.ToArray();
            var ys = y.ToArray();
            for (int i = 0; i < bs.Length; i++)
            {
                Assert.AreEqual(Math.Max(bs[i], 0f), ys[i]);
            }
        }

        GradCheck.Check(x => F.Relu(x[0]), [GradCheck.AwayFromZero(111, 3, 7)]);
        GradCheck.Check(x => F.Relu(x[0]), [GradCheck.AwayFromZero(112, 2, 3, 4, 5)]);
    }

    [TestMethod]
    public void DropoutWithFixedGeneratorHasGradientEqualToMask()
    {
        using var scope = TensorScope.Begin();
        const float p = 0.3f;
        var x = GradCheck.Randn(113, 40, 25).RequiresGrad_();
        var y = F.Dropout(x, p, training: true, new Generator(5));
        F.Sum(y).Backward();
        var g = x.Grad!.ToArray();
        var xs = x.ToArray();
        var ys = y.ToArray();
        int dropped = 0;
        float keep = 1f / (1f - p);
        for (int i = 0; i < g.Length; i++)
        {
            Assert.IsTrue(g[i] == 0f || g[i] == keep, $"mask value {g[i]}");
            Assert.AreEqual(xs[i] * g[i], ys[i], 1e-6f, "output = input * mask");
            dropped += g[i] == 0f ? 1 : 0;
        }

        // 1000 draws at p = 0.3: the dropped fraction lies in [0.25, 0.35] with overwhelming probability, and it is fixed by the seed.
        Assert.IsTrue(dropped > 250 && dropped < 350, $"{dropped} of 1000 dropped");
        var again = F.Dropout(x, p, training: true, new Generator(5));
        CollectionAssert.AreEqual(ys, again.ToArray(), "same generator seed, same mask");
    }

    [TestMethod]
    public void DropoutGradCheckWithReseededGenerator()
    {
        var gen = new Generator(0);
        GradCheck.Check(
            x =>
            {
                gen.ManualSeed(9);
                return F.Dropout(x[0], 0.5f, training: true, gen);
            },
            [GradCheck.Randn(114, 4, 6)]);
    }

    [TestMethod]
    public void DropoutIdentityCases()
    {
        using var scope = TensorScope.Begin();
        var x = GradCheck.Randn(115, 3, 4);
        Assert.AreSame(x, F.Dropout(x, 0.5f, training: false));
        Assert.AreSame(x, F.Dropout(x, 0f, training: true));
        CollectionAssert.AreEqual(new float[12], F.Dropout(x, 1f, training: true, new Generator(1)).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(x, 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(x, float.NaN));
        var module = new ClassyNet.MLNet.Tensors.Nn.Dropout(0.5f, new Generator(3));
        module.Eval();
        Assert.AreSame(x, module.Forward(x));
    }

    [TestMethod]
    public void SoftmaxForwardValues()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray([0f, MathF.Log(2f), MathF.Log(3f), 1000f, 1000f, -1000f], 2, 3);
        var y = F.Softmax(x, 1);
        GradCheck.AssertClose(new[] { 1 / 6.0, 2 / 6.0, 3 / 6.0, 0.5, 0.5, 0 }, y.AsSpan(), 1e-6, "softmax");
        var ly = F.LogSoftmax(x, 1);
        GradCheck.AssertClose(new[] { Math.Log(1 / 6.0), Math.Log(2 / 6.0), Math.Log(3 / 6.0), Math.Log(0.5), Math.Log(0.5), -2000 - Math.Log(2) }, ly.AsSpan(), 1e-6, "log_softmax");

        var r = GradCheck.Randn(116, 4, 5, 3);
        foreach (int dim in new[] { 0, 1, 2, -1 })
        {
            var s = F.Softmax(r, dim);
            var sums = F.Sum(s, [dim]).ToArray();
            foreach (var v in sums)
            {
                Assert.AreEqual(1f, v, 1e-5f, $"softmax over dim {dim} sums to 1");
            }

            var logS = F.LogSoftmax(r, dim).ToArray();
            var expS = s.ToArray();
            for (int i = 0; i < logS.Length; i++)
            {
                Assert.AreEqual(Math.Log(expS[i]), logS[i], 1e-5, $"log_softmax = log(softmax) along {dim}");
            }
        }
    }

    [TestMethod]
    public void SoftmaxGradCheck()
    {
        GradCheck.Check(x => F.Softmax(x[0], 1), [GradCheck.Randn(117, 3, 5)]);
        GradCheck.Check(x => F.Softmax(x[0], 1), [GradCheck.Randn(118, 2, 4, 3)]);
        GradCheck.Check(x => F.Softmax(x[0], 0), [GradCheck.Randn(119, 3, 2)]);
    }

    [TestMethod]
    public void LogSoftmaxGradCheck()
    {
        GradCheck.Check(x => F.LogSoftmax(x[0], 1), [GradCheck.Randn(120, 3, 5)]);
        GradCheck.Check(x => F.LogSoftmax(x[0], 1), [GradCheck.Randn(121, 2, 4, 3)]);
        GradCheck.Check(x => F.LogSoftmax(x[0], -1), [GradCheck.Randn(122, 2, 4, 3)]);
    }

    [TestMethod]
    public void CrossEntropyForwardEqualsMinusLogSoftmaxOfTarget()
    {
        using var scope = TensorScope.Begin();
        var z = GradCheck.Randn(123, 4, 5);
        int[] y = [3, 0, 4, 3];
        var none = F.CrossEntropy(z, y, Reduction.None);
        GradCheck.AssertShape(none, 4);
        var sm = F.Softmax(z, 1);
        double total = 0;
        for (int i = 0; i < 4; i++)
        {
            double expected = -Math.Log(sm[i, y[i]]);
            Assert.AreEqual(expected, none[i], 1e-5);
            total += expected;
        }

        Assert.AreEqual(total, F.CrossEntropy(z, y, Reduction.Sum).Item(), 1e-5);
        Assert.AreEqual(total / 4, F.CrossEntropy(z, y, Reduction.Mean).Item(), 1e-5);
        Assert.AreEqual(total / 4, F.CrossEntropy(z, y).Item(), 1e-5, "Mean is the default");
        // Uniform logits: ln K; extreme logits stay finite.
        Assert.AreEqual(Math.Log(5), F.CrossEntropy(Tensor.Zeros(1, 5), [2]).Item(), 1e-6);
        Assert.AreEqual(2000f, F.CrossEntropy(Tensor.FromArray([1000f, -1000f], 1, 2), [1]).Item(), 1e-3f);
        Assert.AreEqual(0f, F.CrossEntropy(Tensor.FromArray([1000f, -1000f], 1, 2), [0]).Item());
    }

    [TestMethod]
    public void CrossEntropyGradCheck()
    {
        int[] y = [1, 0, 2, 2];
        foreach (var reduction in new[] { Reduction.None, Reduction.Mean, Reduction.Sum })
        {
            GradCheck.Check(x => F.CrossEntropy(x[0], y, reduction), [GradCheck.Randn(124, 4, 3)]);
        }

        using var scope = TensorScope.Begin();
        var z = Tensor.Zeros(2, 4).RequiresGrad_();
        F.CrossEntropy(z, [1, 3], Reduction.Mean).Backward();
        CollectionAssert.AreEqual(new[] { 0.125f, -0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f }, z.Grad!.ToArray());
    }

    [TestMethod]
    public void SoftmaxEntropyForwardValues()
    {
        using var scope = TensorScope.Begin();
        var uniform = F.SoftmaxEntropy(Tensor.Full([3, 10], 1.7f));
        GradCheck.AssertShape(uniform, 3);
        foreach (var h in uniform.ToArray())
        {
            Assert.AreEqual(Math.Log(10), h, 1e-5);
        }

        var peaked = F.SoftmaxEntropy(Tensor.FromArray([100f, 0f, 0f, 0f, -50f, 60f, -50f, -50f], 2, 4)).ToArray();
        foreach (var h in peaked)
        {
            Assert.IsTrue(h >= 0f && h < 1e-6f, $"one-hot-like logits: entropy {h}");
        }

        var two = F.SoftmaxEntropy(Tensor.FromArray([0f, MathF.Log(3f)], 1, 2)).Item();
        Assert.AreEqual(-(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)), two, 1e-6);

        var random = F.SoftmaxEntropy(F.MulScalar(GradCheck.Randn(125, 200, 7), 20f)).ToArray();
        foreach (var h in random)
        {
            Assert.IsTrue(h >= 0f && h <= Math.Log(7) + 1e-6, $"entropy {h} outside [0, ln 7]");
        }
    }

    [TestMethod]
    public void SoftmaxEntropyGradCheck()
    {
        GradCheck.Check(x => F.SoftmaxEntropy(x[0]), [GradCheck.Randn(126, 3, 5)]);
        GradCheck.Check(x => F.SoftmaxEntropy(x[0]), [GradCheck.Uniform(127, -0.3f, 0.3f, 2, 4)]);
    }
}
