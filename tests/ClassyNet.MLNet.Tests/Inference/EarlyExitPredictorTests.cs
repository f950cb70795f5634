using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static ClassyNet.MLNet.Tests.Inference.InferenceTestNetworks;

namespace ClassyNet.MLNet.Tests.Inference;

[TestClass]
public sealed class EarlyExitPredictorTests
{
    private static readonly float[] Confident = [6f, 0f, 1f];
    private static readonly float[] Unsure = [1f, 1.2f, 0.8f];

    [TestMethod]
    public void EntropyExitsWhenStrictlyBelowThresholdNotWhenEqual()
    {
        var net = LogitPassThrough([3, 3], 3);
        var sets = ExitClassSets.AllClasses(2, 3);
        float h = Entropy(Confident);
        var x = Row(Confident, Unsure);

        var atThreshold = new EarlyExitPredictor(net, sets, [h], [6]).Predict(x);
        Assert.AreEqual(1, atThreshold.Exit, "H == T must not exit (Algorithm 1: exit when H < T).");
        Assert.AreEqual(1, atThreshold.PredictedClass);
        Assert.AreEqual(Entropy(Unsure), atThreshold.Score);

        var above = new EarlyExitPredictor(net, sets, [MathF.BitIncrement(h)], [6]).Predict(x);
        Assert.AreEqual(0, above.Exit);
        Assert.AreEqual(0, above.PredictedClass);
        Assert.AreEqual(h, above.Score);
        Assert.AreEqual(1f, above.Probabilities.Sum(), 1e-6f);
        Assert.AreEqual(above.Probabilities[0], above.Probabilities.Max());
    }

    [TestMethod]
    public void FinalExitAlwaysAnswersAndThresholdZeroDisablesEarlyExits()
    {
        var net = LogitPassThrough([3, 3, 3], 3);
        var sets = ExitClassSets.AllClasses(3, 3);
        // Three thresholds (M values) are accepted; the last is ignored.
        var p = new EarlyExitPredictor(net, sets, [0f, 0f, 0f], [9]).Predict(Row(Confident, Confident, Unsure));
        Assert.AreEqual(2, p.Exit);
        Assert.AreEqual(1, p.PredictedClass);
        Assert.AreEqual(Entropy(Unsure), p.Score);

        var q = new EarlyExitPredictor(net, sets, [0f, 100f], [9]).Predict(Row(Unsure, Unsure, Confident));
        Assert.AreEqual(1, q.Exit);
    }

    [TestMethod]
    public void BagNeverExitsEvenWhenEntropyIsLow()
    {
        var net = LogitPassThrough([2, 4], 4);
        var sets = ExitClassSets.MutuallyExclusive([[2]], 4); // exit 0: {2} + bag
        var predictor = new EarlyExitPredictor(net, sets, [10f], [6]);

        var bag = predictor.Predict(Row([0f, 9f], [0f, 0f, 0f, 5f]));
        Assert.AreEqual(1, bag.Exit, "An argmax on the bag must go on even with H < T.");
        Assert.AreEqual(3, bag.PredictedClass);

        var own = predictor.Predict(Row([9f, 1f], [5f, 0f, 0f, 0f]));
        Assert.AreEqual(0, own.Exit);
        Assert.AreEqual(2, own.PredictedClass);
        float p2 = MathF.Exp(9f) / (MathF.Exp(9f) + MathF.Exp(1f));
        Assert.AreEqual(p2, own.Probabilities[2], 1e-6f);
        // The bag's probability is shared evenly by the three classes outside S_1.
        Assert.AreEqual((1f - p2) / 3f, own.Probabilities[0], 1e-7f);
        Assert.AreEqual(own.Probabilities[0], own.Probabilities[1]);
        Assert.AreEqual(own.Probabilities[0], own.Probabilities[3]);
        Assert.AreEqual(1f, own.Probabilities.Sum(), 1e-6f);
        Assert.AreEqual(Entropy(9f, 1f), own.Score);
    }

    [TestMethod]
    public void MaxProbabilityExitsWhenConfidenceReachesThreshold()
    {
        var net = LogitPassThrough([3, 3], 3);
        var sets = ExitClassSets.AllClasses(2, 3);
        float c = Confidence(Confident);
        var x = Row(Confident, Unsure);
        var at = new EarlyExitPredictor(net, sets, [c], [6], ExitPolicy.MaxProbability).Predict(x);
        Assert.AreEqual(0, at.Exit, "p_max >= T exits.");
        Assert.AreEqual(c, at.Score);
        var above = new EarlyExitPredictor(net, sets, [MathF.BitIncrement(c)], [6], ExitPolicy.MaxProbability).Predict(x);
        Assert.AreEqual(1, above.Exit);
        Assert.AreEqual(Confidence(Unsure), above.Score);
        var disabled = new EarlyExitPredictor(net, sets, [1.5f], [6], ExitPolicy.MaxProbability).Predict(Row([50f, 0f, 0f], Unsure));
        Assert.AreEqual(1, disabled.Exit);
    }

    [TestMethod]
    public void BatchedResNetEqualsPerSampleAndCountsMacsExactly()
    {
        var net = Architectures.ResNet(20, [7, 13, 20], inChannels: 1, classes: 10, exitOutputs: ExitClassSets.Incremental([[9], [8]], 10).OutputCounts(), generator: new Generator(7));
        var sets = ExitClassSets.Incremental([[9], [8]], 10);
        var inputs = Uniform([16, 1, 28, 28], -1f, 1f, 11);
        SplitBagDecisions(net, sets, inputs);
        AssertBatchedEqualsPerSample(net, sets, inputs, [1, 28, 28]);
    }

    [TestMethod]
    public void BatchedMlpEqualsPerSampleAndCountsMacsExactly()
    {
        var net = Architectures.Mlp(5, [16, 12, 8], classes: 4, layersPerStage: 2, generator: new Generator(5));
        var sets = ExitClassSets.AllClasses(3, 4);
        var inputs = Uniform([40, 5], -2f, 2f, 13);
        AssertBatchedEqualsPerSample(net, sets, inputs, [5]);
    }

    [TestMethod]
    public void TenThousandPredictionsLeaveNoTensorBehind()
    {
        var sets = ExitClassSets.Incremental([[3], [1]], classCount: 4);
        var model = ClassyNetModel.Create(NetworkSpec.ResNet(8, [3, 5, 8], inChannels: 1, imageSize: 8, classes: 4), sets, [0.9f, 0.9f], seed: 5);
        var data = new ClassyNet.MLNet.Data.TensorDataset(new float[10_000 * 64].Select((_, i) => MathF.Sin(i * 0.37f)).ToArray(), new int[10_000], 1, 8, 8);
        var predictor = model.CreatePredictor();
        model.Predict(data, batchSize: 500, predictor); // warm-up: libtorch and TorchSharp caches
        long before = LiveTensors();
        var result = model.Predict(data, batchSize: 256, predictor);
        for (int i = 0; i < 100; i++)
        {
            predictor.PredictBatch(data.Features.AsSpan(i * 64, 64), 1);
        }

        long after = LiveTensors();
        Assert.AreEqual(10_000, result.Count);
        Assert.AreEqual(before, after, "10,100 predictions must leave the count of live libtorch tensors unchanged");
    }

    [TestMethod]
    public void BadArgumentsNameTheArgument()
    {
        var net = LogitPassThrough([3, 3, 3], 3);
        var sets = ExitClassSets.AllClasses(3, 3);
        Assert.AreEqual("thresholds", Assert.ThrowsExactly<ArgumentException>(() => new EarlyExitPredictor(net, sets, [0.1f], [9])).ParamName);
        Assert.AreEqual("thresholds", Assert.ThrowsExactly<ArgumentException>(() => new EarlyExitPredictor(net, sets, [0.1f, 0.1f, 0.1f, 0.1f], [9])).ParamName);
        Assert.AreEqual("thresholds", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new EarlyExitPredictor(net, sets, [0.1f, float.NaN], [9])).ParamName);
        Assert.AreEqual("thresholds", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new EarlyExitPredictor(net, sets, [-0.1f, 0.2f], [9])).ParamName);
        Assert.AreEqual("thresholds", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new EarlyExitPredictor(net, sets, [float.PositiveInfinity, 0.2f], [9])).ParamName);
        Assert.AreEqual("exitClasses", Assert.ThrowsExactly<ArgumentException>(() => new EarlyExitPredictor(net, ExitClassSets.AllClasses(2, 3), [0.1f], [9])).ParamName);
        // Same exit count, but exit 0 would need 2 outputs ({0} + bag), the network has 3.
        var bagSets = ExitClassSets.MutuallyExclusive([[0], [1]], 3);
        var mismatch = Assert.ThrowsExactly<ArgumentException>(() => new EarlyExitPredictor(net, bagSets, [0.1f, 0.1f], [9]));
        Assert.AreEqual("exitClasses", mismatch.ParamName);
        StringAssert.Contains(mismatch.Message, "Exit 0");
        Assert.AreEqual("inputShape", Assert.ThrowsExactly<ArgumentException>(() => new EarlyExitPredictor(net, sets, [0.1f, 0.1f], [8])).ParamName);

        var predictor = new EarlyExitPredictor(net, sets, [0.1f, 0.1f], [9]);
        Assert.AreEqual("inputs", Assert.ThrowsExactly<ArgumentException>(() => predictor.PredictBatch(zeros(4, 8))).ParamName);
        Assert.AreEqual("inputs", Assert.ThrowsExactly<ArgumentException>(() => predictor.PredictBatch(zeros(9))).ParamName);
        Assert.AreEqual("sample", Assert.ThrowsExactly<ArgumentException>(() => predictor.Predict(zeros(2, 9))).ParamName);
        Assert.AreEqual("sample", Assert.ThrowsExactly<ArgumentException>(() => predictor.Predict(zeros(8))).ParamName);
        Assert.AreEqual(0, predictor.PredictBatch(zeros(0, 9)).Count);
    }

    /// <summary>
    /// libtorch may sum a convolution or matrix product in another order for another batch size (oneDNN and BLAS pick
    /// kernels by shape), so a sample's scores alone and in a batch can differ in the last bits; measured on R20-3E
    /// here: at most a few 1e-7. Exits and classes must agree exactly: the thresholds below sit halfway between two
    /// samples' scores, far from any score.
    /// </summary>
    private const float ScoreTolerance = 1e-5f;

    private static void AssertBatchedEqualsPerSample(MultiExitNetwork net, ExitClassSets sets, Tensor inputs, int[] inputShape)
    {
        int n = (int)inputs.shape[0];
        var labels = new int[n];
        var cache = ExitScoreCache.Build(net, sets, inputs, labels, batchSize: 7);
        // Thresholds near the 40th percentile of each early exit's non-bag entropies (halfway between two neighbours, so
        // last-bit differences cannot move a sample across), so samples spread over the exits.
        var thresholds = Enumerable.Range(0, sets.ExitCount - 1)
            .Select(m =>
            {
                var own = Enumerable.Range(0, n).Where(i => cache.PredictedClasses(m)[i] >= 0).Select(i => cache.Entropies(m)[i]).Order().ToArray();
                int at = Math.Max(1, 2 * own.Length / 5);
                return own.Length < 2 ? 0f : 0.5f * (own[at] + own[at - 1]);
            })
            .ToArray();
        var predictor = new EarlyExitPredictor(net, sets, thresholds, inputShape);
        var batch = predictor.PredictBatch(inputs);
        Assert.IsTrue(batch.ExitCounts().Count(c => c > 0) >= 2, $"Thresholds should spread samples over exits; got [{string.Join(", ", batch.ExitCounts())}].");

        var prefix = predictor.Accounting.EarlyExitMacs();
        long expected = 0;
        for (int i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            var sample = inputs.narrow(0, i, 1);
            var alone = predictor.PredictBatch(sample);
            var single = alone.Predictions[0];
            var b = batch.Predictions[i];
            Assert.AreEqual(single.Exit, b.Exit, $"sample {i}");
            Assert.AreEqual(single.PredictedClass, b.PredictedClass, $"sample {i}");
            Assert.AreEqual(single.Score, b.Score, ScoreTolerance, $"sample {i} score");
            for (int c = 0; c < single.Probabilities.Count; c++)
            {
                Assert.AreEqual(single.Probabilities[c], b.Probabilities[c], ScoreTolerance, $"sample {i} probability {c}");
            }

            Assert.AreEqual(prefix[b.Exit], b.Macs);
            Assert.AreEqual(b.Macs, alone.ExecutedMacs, $"sample {i}: executed MACs of a single sample equal its prefix MACs");
            Assert.AreEqual(1f, b.Probabilities.Sum(), 1e-5f);
            Assert.AreEqual(b.PredictedClass, IndexOfMax(b.Probabilities));
            expected += prefix[b.Exit];
        }

        Assert.AreEqual(expected, batch.ExecutedMacs, "batched MACs executed equal the sum of the samples' prefix MACs");
        Assert.AreEqual(expected, batch.AccountedMacs);

        var simulated = cache.Simulate(ExitPolicy.Entropy, thresholds);
        CollectionAssert.AreEqual(batch.ExitIndices(), simulated.Exits.ToArray());
        CollectionAssert.AreEqual(batch.PredictedClasses(), simulated.PredictedClasses.ToArray());
    }

    /// <summary>
    /// A random network tends to give every input the same argmax; shift each early head's bag bias so that about half
    /// of <paramref name="inputs"/> have the bag as argmax and half do not.
    /// </summary>
    private static void SplitBagDecisions(MultiExitNetwork net, ExitClassSets sets, Tensor inputs)
    {
        net.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = net.forward(inputs);
        for (int m = 0; m < sets.ExitCount; m++)
        {
            int bag = sets.BagIndex(m);
            if (bag < 0)
            {
                continue;
            }

            int outputs = (int)logits[m].shape[1];
            var z = logits[m].data<float>().ToArray();
            var margins = Enumerable.Range(0, (int)inputs.shape[0])
                .Select(i => z[i * outputs + bag] - Enumerable.Range(0, bag).Max(o => z[i * outputs + o]))
                .Order().ToArray();
            float median = 0.5f * (margins[margins.Length / 2 - 1] + margins[margins.Length / 2]);
            var bias = net.state_dict()[$"exits.{m}.fc.bias"];
            bias[bag] = bias[bag] - median;
        }
    }

    private static int IndexOfMax(IReadOnlyList<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
