using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Nn;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class NormalizationTests
{
    [TestMethod]
    public void TrainingForwardNormalisesAndUpdatesRunningStats()
    {
        using var scope = TensorScope.Begin();
        // Channel 0 holds 1, 2, 3, 4 (mean 2.5, biased var 1.25, unbiased 5/3); channel 1 holds 10, 10, 10, 14.
        var x = Tensor.FromArray([1f, 2f, 10f, 10f, 3f, 4f, 10f, 14f], 2, 2, 1, 2);
        var bn = new BatchNorm2d(2);
        bn.Weight!.CopyFrom(Tensor.FromArray([2f, 1f], 2));
        bn.Bias!.CopyFrom(Tensor.FromArray([0.5f, -1f], 2));
        var y = bn.Forward(x);
        double s0 = Math.Sqrt(1.25 + 1e-5), s1 = Math.Sqrt(3.0 + 1e-5);
        double[] expected =
        [
            2 * (1 - 2.5) / s0 + 0.5, 2 * (2 - 2.5) / s0 + 0.5, (10 - 11) / s1 - 1, (10 - 11) / s1 - 1,
            2 * (3 - 2.5) / s0 + 0.5, 2 * (4 - 2.5) / s0 + 0.5, (10 - 11) / s1 - 1, (14 - 11) / s1 - 1,
        ];
        GradCheck.AssertClose(expected, y.AsSpan(), 1e-5, "output");
        // running = 0.9 * initial + 0.1 * batch, with the unbiased variance (12 / 3 = 4 for channel 1).
        GradCheck.AssertClose(new[] { 0.25, 1.1 }, bn.RunningMean.AsSpan(), 1e-6, "running_mean");
        GradCheck.AssertClose(new[] { 0.9 + 0.1 * 5.0 / 3.0, 0.9 + 0.1 * 4.0 }, bn.RunningVar.AsSpan(), 1e-6, "running_var");
        Assert.AreEqual(1f, bn.NumBatchesTracked.Item());

        bn.Forward(x);
        GradCheck.AssertClose(new[] { 0.9 * 0.25 + 0.25, 0.9 * 1.1 + 1.1 }, bn.RunningMean.AsSpan(), 1e-6, "running_mean after two steps");
        Assert.AreEqual(2f, bn.NumBatchesTracked.Item());
    }

    [TestMethod]
    public void EvalForwardUsesRunningStatsAndLeavesThemAlone()
    {
        using var scope = TensorScope.Begin();
        var bn = new BatchNorm2d(2, momentum: 0.1f);
        bn.RunningMean.CopyFrom(Tensor.FromArray([1f, -2f], 2));
        bn.RunningVar.CopyFrom(Tensor.FromArray([4f, 0.25f], 2));
        bn.Weight!.CopyFrom(Tensor.FromArray([3f, 1f], 2));
        bn.Bias!.CopyFrom(Tensor.FromArray([0f, 1f], 2));
        bn.Eval();
        var x = Tensor.FromArray([5f, 0f, -2f, 2f], 1, 2, 1, 2);
        var y = bn.Forward(x);
        double a = Math.Sqrt(4 + 1e-5), b = Math.Sqrt(0.25 + 1e-5);
        GradCheck.AssertClose(new[] { 3 * 4 / a, 3 * -1 / a, 0 / b + 1, 4 / b + 1 }, y.AsSpan(), 1e-5, "eval output");
        CollectionAssert.AreEqual(new[] { 1f, -2f }, bn.RunningMean.ToArray());
        CollectionAssert.AreEqual(new[] { 4f, 0.25f }, bn.RunningVar.ToArray());
        Assert.AreEqual(0f, bn.NumBatchesTracked.Item());
    }

    [TestMethod]
    public void CustomMomentumIsUsed()
    {
        using var scope = TensorScope.Begin();
        var bn = new BatchNorm2d(1, momentum: 0.5f);
        bn.Forward(Tensor.FromArray([2f, 4f], 1, 1, 1, 2));
        Assert.AreEqual(1.5f, bn.RunningMean.Item(), 1e-6f);
        Assert.AreEqual(0.5f * 1f + 0.5f * 2f, bn.RunningVar.Item(), 1e-6f);
    }

    [TestMethod]
    public void TrainingGradCheck()
    {
        var rm = Tensor.Zeros(3);
        var rv = Tensor.Ones(3);
        GradCheck.Check(
            x => F.BatchNorm2d(x[0], rm, rv, x[1], x[2], training: true),
            [GradCheck.Randn(90, 2, 3, 2, 3), GradCheck.Uniform(91, 0.5f, 2f, 3), GradCheck.Randn(92, 3)]);
    }

    [TestMethod]
    public void TrainingGradCheckWithoutAffine()
    {
        var rm = Tensor.Zeros(2);
        var rv = Tensor.Ones(2);
        GradCheck.Check(x => F.BatchNorm2d(x[0], rm, rv, null, null, training: true), [GradCheck.Randn(93, 3, 2, 2, 2)]);
    }

    [TestMethod]
    public void EvalGradCheck()
    {
        var rm = Tensor.FromArray([0.3f, -0.2f, 1f], 3);
        var rv = Tensor.FromArray([0.5f, 2f, 1.5f], 3);
        GradCheck.Check(
            x => F.BatchNorm2d(x[0], rm, rv, x[1], x[2], training: false),
            [GradCheck.Randn(94, 2, 3, 2, 2), GradCheck.Uniform(95, 0.5f, 2f, 3), GradCheck.Randn(96, 3)]);
    }

    [TestMethod]
    public void LargerBatchMatchesReference()
    {
        // Large enough for the parallel per-channel paths.
        using var scope = TensorScope.Begin();
        int n = 8, c = 16, h = 10, w = 10;
        var x = GradCheck.Randn(97, n, c, h, w);
        var rm = Tensor.Zeros(c);
        var rv = Tensor.Ones(c);
        var y = F.BatchNorm2d(x, rm, rv, null, null, training: true);
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0, sq = 0;
            for (int s = 0; s < n; s++)
            {
                for (int i = 0; i < h; i++)
                {
                    for (int j = 0; j < w; j++)
                    {
                        sum += x[s, ch, i, j];
                    }
                }
            }

            double mean = sum / (n * h * w);
            for (int s = 0; s < n; s++)
            {
                for (int i = 0; i < h; i++)
                {
                    for (int j = 0; j < w; j++)
                    {
                        sq += (x[s, ch, i, j] - mean) * (x[s, ch, i, j] - mean);
                    }
                }
            }

            double var = sq / (n * h * w);
            for (int s = 0; s < n; s++)
            {
                Assert.AreEqual((x[s, ch, 3, 4] - mean) / Math.Sqrt(var + 1e-5), y[s, ch, 3, 4], 1e-4);
            }

            Assert.AreEqual(0.1 * mean, rm[ch], 1e-6);
            Assert.AreEqual(0.9 + 0.1 * sq / (n * h * w - 1), rv[ch], 1e-5);
        }
    }

    [TestMethod]
    public void TrainingWithOneValuePerChannelThrows()
    {
        using var scope = TensorScope.Begin();
        var bn = new BatchNorm2d(3);
        Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros(1, 3, 1, 1)));
        bn.Eval();
        GradCheck.AssertShape(bn.Forward(Tensor.Zeros(1, 3, 1, 1)), 1, 3, 1, 1);
    }
}
