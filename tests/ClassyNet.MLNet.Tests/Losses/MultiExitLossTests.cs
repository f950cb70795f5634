using ClassyNet.MLNet.Losses;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Losses;

[TestClass]
public sealed class MultiExitLossTests
{
    // MC with K = 3: exit 0 answers for {0} (outputs: class 0, bag), exit 1 for all three classes.
    private static readonly ExitClassSets Sets = ExitClassSets.MutuallyExclusive([[0]], 3);

    private static readonly float[][] Exit0 = [[2f, 0f], [0.5f, 1f], [-1f, 3f], [1f, 1.5f]];
    private static readonly float[][] Exit1 = [[1f, 0f, 0f], [0f, 2f, 0f], [0f, 0f, 1f], [3f, 0f, 0f]];
    private static readonly int[] Labels = [0, 1, 2, 0];

    [TestMethod]
    public void MatchesEquationsNineAndTenComputedByHand()
    {
        var costs = CostMatrices.Explicit([new float[,] { { 0.5f, 2f }, { 4f, 1f } }, new float[,] { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } }]);
        var loss = new MultiExitLoss(Sets, [0.6f, 0.4f], costs);
        var result = loss.Compute([Matrix(Exit0), Matrix(Exit1)], Labels);

        // Exit labels at exit 0: class 0 -> 0, others -> bag (1). Costs are C[true, argmax].
        int[] y0 = [0, 1, 1, 0];
        double e0 = 0;
        for (int i = 0; i < 4; i++)
        {
            int predicted = Exit0[i][0] >= Exit0[i][1] ? 0 : 1;
            float c = new float[,] { { 0.5f, 2f }, { 4f, 1f } }[y0[i], predicted];
            e0 += c * CrossEntropy(Exit0[i], y0[i]);
        }

        e0 /= 4;
        double e1 = Enumerable.Range(0, 4).Average(i => CrossEntropy(Exit1[i], Labels[i]));
        Assert.AreEqual(e0, result.ExitLosses[0], 1e-6);
        Assert.AreEqual(e1, result.ExitLosses[1], 1e-6);
        Assert.AreEqual((0.6 * e0) + (0.4 * e1), result.Total.item<float>(), 1e-6);
        CollectionAssert.AreEqual(new[] { 3, 4 }, result.ExitCorrect);
    }

    [TestMethod]
    public void CostLookupCarriesNoGradient()
    {
        var costs = CostMatrices.Explicit([new float[,] { { 0.5f, 2f }, { 4f, 1f } }, new float[,] { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } }]);
        var z0 = Matrix(Exit0).requires_grad_();
        var z1 = Matrix(Exit1).requires_grad_();
        new MultiExitLoss(Sets, [1f, 1f], costs).Compute([z0, z1], Labels).Total.backward();

        // d/dz of c * CE / N is c * (softmax - onehot) / N with c treated as a constant.
        int[] y0 = [0, 1, 1, 0];
        float[] c = [0.5f, 1f, 1f, 2f]; // argmax: 0, 1, 1, 1
        var grad = z0.grad!.data<float>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            var p = Softmax(Exit0[i]);
            for (int j = 0; j < 2; j++)
            {
                double expected = c[i] * (p[j] - (j == y0[i] ? 1 : 0)) / 4;
                Assert.AreEqual(expected, grad[(i * 2) + j], 1e-6, $"sample {i}, output {j}");
            }
        }
    }

    [TestMethod]
    public void AllOnesWithoutBagIsPlainJointCrossEntropy()
    {
        var sets = ExitClassSets.AllClasses(2, 3);
        var z0 = Matrix([[1f, 0f, 2f], [0f, 2f, 0f]]);
        var z1 = Matrix([[0.3f, 0f, 1f], [1f, 1f, 0f]]);
        int[] y = [2, 0];
        using var labels = tensor(y.Select(v => (long)v).ToArray());
        var ours = new MultiExitLoss(sets, [0.7f, 0.3f], CostMatrices.Ones).Compute([z0, z1], y).Total.item<float>();
        var plain = ((nn.functional.cross_entropy(z0, labels) * 0.7f) + (nn.functional.cross_entropy(z1, labels) * 0.3f)).item<float>();
        Assert.AreEqual(plain, ours, 0f, "identical ops, identical bits");
    }

    [TestMethod]
    public void InstanceMaskingDropsSamplesThatWouldExitEarlier()
    {
        // Sample 0 is confident on class 0 at exit 0 (entropy ~0.13 < 0.5) and exits; sample 3 predicts the bag.
        var withMask = new MultiExitLoss(Sets, [1f, 1f], exitThresholds: [0.5f], instanceMasking: true).Compute([Matrix(Exit0), Matrix(Exit1)], Labels);
        var without = new MultiExitLoss(Sets, [1f, 1f], exitThresholds: [0.5f]).Compute([Matrix(Exit0), Matrix(Exit1)], Labels);
        CollectionAssert.AreEqual(new[] { 1, 0 }, withMask.ExitWouldExit);
        CollectionAssert.AreEqual(new[] { 1, 0 }, without.ExitWouldExit, "exit counts are reported with or without masking");
        double expected = Enumerable.Range(1, 3).Sum(i => CrossEntropy(Exit1[i], Labels[i])) / 4;
        Assert.AreEqual(expected, withMask.ExitLosses[1], 1e-6);
        Assert.AreEqual(without.ExitLosses[0], withMask.ExitLosses[0], 0f, "the first exit is never masked");
        Assert.IsTrue(without.ExitLosses[1] > withMask.ExitLosses[1]);
    }

    [TestMethod]
    public void BagPredictionNeverCountsAsAnExit()
    {
        // Sample 2 has a very confident bag prediction: entropy tiny, but the bag does not exit.
        var z0 = Matrix([[0f, 0f], [0f, 0f], [-20f, 20f], [0f, 0f]]);
        var r = new MultiExitLoss(Sets, [1f, 1f], exitThresholds: [0.1f]).Compute([z0, Matrix(Exit1)], Labels);
        Assert.AreEqual(0, r.ExitWouldExit[0]);
    }

    [TestMethod]
    public void NonFiniteLossNamesStepAndExit()
    {
        var loss = new MultiExitLoss(Sets, [1f, 1f]) { ThrowOnNonFinite = true };
        var bad = Matrix(Exit1);
        bad[1, 1] = float.NaN;
        var e = Assert.ThrowsExactly<NonFiniteLossException>(() => loss.Compute([Matrix(Exit0), bad], Labels, step: 17));
        Assert.AreEqual(17, e.Step);
        Assert.AreEqual(1, e.Exit);
        StringAssert.Contains(e.Message, "exit 2");
        StringAssert.Contains(e.Message, "step 17");
        Assert.IsTrue(float.IsNaN(new MultiExitLoss(Sets, [1f, 1f]).Compute([Matrix(Exit0), bad], Labels).Total.item<float>()), "detection is opt-in");
    }

    [TestMethod]
    public void BadArgumentsAreNamed()
    {
        AssertNames("exitWeights", () => new MultiExitLoss(Sets, [1f]));
        AssertNames("exitWeights", () => new MultiExitLoss(Sets, [1f, float.NaN]));
        AssertNames("exitWeights", () => new MultiExitLoss(Sets, [-1f, 1f]));
        AssertNames("exitWeights", () => new MultiExitLoss(Sets, [0f, 0f]));
        AssertNames("exitThresholds", () => new MultiExitLoss(Sets, [1f, 1f], exitThresholds: [0.1f, 0.2f, 0.3f]));
        AssertNames("exitThresholds", () => new MultiExitLoss(Sets, [1f, 1f], exitThresholds: [-0.1f]));
        AssertNames("instanceMasking", () => new MultiExitLoss(Sets, [1f, 1f], instanceMasking: true));
        var loss = new MultiExitLoss(Sets, [1f, 1f]);
        AssertNames("logits", () => loss.Compute([Matrix(Exit0)], Labels));
        AssertNames("logits", () => loss.Compute([Matrix(Exit1), Matrix(Exit1)], Labels));
        AssertNames("labels[1]", () => loss.Compute([Matrix(Exit0), Matrix(Exit1)], [0, 3, 0, 0]));
    }

    private static void AssertNames(string argument, Action action)
    {
        try
        {
            action();
        }
        catch (ArgumentException e)
        {
            Assert.AreEqual(argument, e.ParamName, e.Message);
            return;
        }

        Assert.Fail($"Expected an ArgumentException naming {argument}.");
    }

    private static Tensor Matrix(float[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

    private static double[] Softmax(float[] z)
    {
        double max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    private static double CrossEntropy(float[] z, int y) => -Math.Log(Softmax(z)[y]);

    [TestMethod]
    public void TensorLabelsGiveTheSameLossAsManagedLabels()
    {
        var costs = CostMatrices.Targeted(0.5f, 2f, 1f, 3f);
        var loss = new MultiExitLoss(Sets, [0.6f, 0.4f], costs, exitThresholds: [0.5f], instanceMasking: true);
        var fromSpan = loss.Compute([Matrix(Exit0), Matrix(Exit1)], Labels);
        using var labels = tensor(Labels.Select(v => (long)v).ToArray());
        var fromTensor = loss.Compute([Matrix(Exit0), Matrix(Exit1)], labels);
        Assert.AreEqual(fromSpan.Total.item<float>(), fromTensor.Total.item<float>(), 0f);
        CollectionAssert.AreEqual(fromSpan.ExitLosses, fromTensor.ExitLosses);
        CollectionAssert.AreEqual(fromSpan.ExitWouldExit, fromTensor.ExitWouldExit);
        AssertNames("labels", () => loss.Compute([Matrix(Exit0), Matrix(Exit1)], tensor(new[] { 0, 1, 2, 0 })));
        AssertNames("labels", () => loss.Compute([Matrix(Exit0), Matrix(Exit1)], tensor(new long[] { 0, 1, 3, 0 })));
    }
}
