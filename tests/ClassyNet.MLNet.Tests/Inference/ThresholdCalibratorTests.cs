using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static ClassyNet.MLNet.Tests.Inference.InferenceTestNetworks;

namespace ClassyNet.MLNet.Tests.Inference;

[TestClass]
public sealed class ThresholdCalibratorTests
{
    private const int Classes = 4;

    /// <summary>
    /// A pass-through network (exit logits are input slices) and a labelled set where later exits are more accurate:
    /// exit m's logit for the true class gets a bonus growing with m, plus noise. With <paramref name="bag"/>, exit 0
    /// answers for class 0 only (MC sets {0} | {1} | all) and its bag logit is high for other classes.
    /// </summary>
    private static (MultiExitNetwork Net, ExitClassSets Sets, Tensor Inputs, int[] Labels) Problem(int n, bool bag, ulong seed)
    {
        var sets = bag ? ExitClassSets.MutuallyExclusive([[0], [1]], Classes) : ExitClassSets.AllClasses(3, Classes);
        var outputs = sets.OutputCounts();
        var net = LogitPassThrough(outputs, Classes);
        var g = new Random((int)seed);
        var labels = new int[n];
        var data = new float[n * outputs.Sum()];
        for (int i = 0; i < n; i++)
        {
            int y = g.Next(Classes);
            labels[i] = y;
            int offset = i * outputs.Sum();
            for (int m = 0; m < outputs.Length; m++)
            {
                float bonus = 0.8f + 1.2f * m;
                for (int o = 0; o < outputs[m]; o++)
                {
                    int cls = sets.HasBag(m) && o == sets.BagIndex(m) ? -1 : sets.ToOriginalClass(m, o);
                    bool truth = cls == y || (cls == -1 && !sets.Contains(m, y));
                    data[offset + o] = 4f + (float)(1.5 * Gaussian(g)) + (truth ? bonus * (float)(1 + g.NextDouble()) : 0f);
                }

                offset += outputs[m];
            }
        }

        return (net, sets, tensor(data, [n, outputs.Sum()]), labels);
    }

    [TestMethod]
    [DataRow(false, ExitPolicy.Entropy)]
    [DataRow(true, ExitPolicy.Entropy)]
    [DataRow(false, ExitPolicy.MaxProbability)]
    [DataRow(true, ExitPolicy.MaxProbability)]
    public void AccuracyCalibrationHoldsAndMatchesRealPredictor(bool bag, ExitPolicy policy)
    {
        var (net, sets, inputs, labels) = Problem(600, bag, 21);
        var cache = ExitScoreCache.Build(net, sets, inputs, labels, batchSize: 128);
        var result = ThresholdCalibrator.CalibrateForAccuracy(cache, 0.02, policy);

        Assert.AreEqual(ThresholdSearch.Exhaustive, result.Search);
        Assert.IsTrue(result.ConstraintsSatisfied);
        Assert.IsTrue(result.Accuracy >= result.FinalExitAccuracy - 0.02 - 1e-12, $"accuracy {result.Accuracy} vs final {result.FinalExitAccuracy}");
        Assert.AreEqual(cache.ExitAccuracy(2), result.FinalExitAccuracy);
        Assert.IsTrue(result.AverageMacs < result.FullNetworkMacs, "some samples should leave early");
        Assert.AreEqual(1.0, result.ExitRates.Sum(), 1e-9);
        Assert.AreEqual(Classes, result.ClassExitRates.Count);

        var predictor = new EarlyExitPredictor(net, sets, result.Thresholds, [(int)inputs.shape[1]], policy);
        var real = predictor.PredictBatch(inputs);
        CollectionAssert.AreEqual(real.ExitIndices(), result.Simulation.Exits.ToArray());
        CollectionAssert.AreEqual(real.PredictedClasses(), result.Simulation.PredictedClasses.ToArray());
        Assert.AreEqual(real.AverageMacs, result.AverageMacs, 1e-9);
        Assert.AreEqual((double)real.ExecutedMacs / inputs.shape[0], result.AverageMacs, 1e-9);
        double realAccuracy = real.PredictedClasses().Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
        Assert.AreEqual(realAccuracy, result.Accuracy, 1e-12);

        AssertParetoFront(result);
    }

    [TestMethod]
    public void LooserEpsilonNeverCostsMoreMacs()
    {
        var (net, sets, inputs, labels) = Problem(500, bag: true, 5);
        var cache = ExitScoreCache.Build(net, sets, inputs, labels);
        double previous = double.PositiveInfinity;
        foreach (double epsilon in new[] { 0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 1.0 })
        {
            var result = ThresholdCalibrator.CalibrateForAccuracy(cache, epsilon);
            Assert.IsTrue(result.ConstraintsSatisfied);
            Assert.IsTrue(result.Accuracy >= result.FinalExitAccuracy - epsilon - 1e-12);
            Assert.IsTrue(result.AverageMacs <= previous, $"epsilon {epsilon}: {result.AverageMacs} > {previous}");
            previous = result.AverageMacs;
        }

        // Anything goes at epsilon 1: every non-bag sample leaves at exit 0 (the smallest possible cost).
        var loosest = ThresholdCalibrator.CalibrateForAccuracy(cache, 1.0);
        var all = cache.Simulate(ExitPolicy.Entropy, [1000f, 1000f]);
        Assert.AreEqual(all.AverageMacs, loosest.AverageMacs, 1e-9);
    }

    [TestMethod]
    public void RecallFloorHoldsForPriorityClass()
    {
        var (net, sets, inputs, labels) = Problem(600, bag: true, 9);
        var cache = ExitScoreCache.Build(net, sets, inputs, labels);
        var final = cache.Simulate(ExitPolicy.Entropy, [0f, 0f]);
        double floor = Math.Floor(final.ClassRecall[0] * 100) / 100 - 0.01;
        var result = ThresholdCalibrator.CalibrateForRecall(cache, new Dictionary<int, double> { [0] = floor });
        Assert.IsTrue(result.ConstraintsSatisfied);
        Assert.IsTrue(result.Simulation.ClassRecall[0] >= floor - 1e-12);
        Assert.IsTrue(result.AverageMacs <= final.AverageMacs);
        Assert.IsTrue(result.ClassExitRates[0][0] > 0, "the priority class should leave at its exit");

        var both = ThresholdCalibrator.Calibrate(cache, new ThresholdCalibrationOptions { MaxAccuracyDrop = 0.01, MinimumRecall = new Dictionary<int, double> { [0] = floor } });
        Assert.IsTrue(both.ConstraintsSatisfied);
        Assert.IsTrue(both.Accuracy >= both.FinalExitAccuracy - 0.01 - 1e-12);
        Assert.IsTrue(both.Simulation.ClassRecall[0] >= floor - 1e-12);
        Assert.IsTrue(both.AverageMacs >= result.AverageMacs - 1e-9, "adding a constraint cannot lower the optimum");
    }

    [TestMethod]
    public void CoordinateDescentMeetsConstraintAndMatchesPredictor()
    {
        var (net, sets, inputs, labels) = Problem(400, bag: false, 17);
        var cache = ExitScoreCache.Build(net, sets, inputs, labels);
        var result = ThresholdCalibrator.Calibrate(cache, new ThresholdCalibrationOptions { MaxAccuracyDrop = 0.03, MaxExhaustiveCombinations = 1, CandidatesPerExit = 16 });
        Assert.AreEqual(ThresholdSearch.CoordinateDescent, result.Search);
        Assert.IsTrue(result.ConstraintsSatisfied);
        Assert.IsTrue(result.Accuracy >= result.FinalExitAccuracy - 0.03 - 1e-12);
        Assert.IsTrue(result.AverageMacs < result.FullNetworkMacs);
        var exhaustive = ThresholdCalibrator.Calibrate(cache, new ThresholdCalibrationOptions { MaxAccuracyDrop = 0.03, CandidatesPerExit = 16 });
        Assert.IsTrue(exhaustive.AverageMacs <= result.AverageMacs + 1e-9, "the exhaustive optimum is never worse");
        Assert.IsTrue(result.CandidatesEvaluated < exhaustive.CandidatesEvaluated);

        var real = new EarlyExitPredictor(net, sets, result.Thresholds, [(int)inputs.shape[1]]).PredictBatch(inputs);
        CollectionAssert.AreEqual(real.ExitIndices(), result.Simulation.Exits.ToArray());
        CollectionAssert.AreEqual(real.PredictedClasses(), result.Simulation.PredictedClasses.ToArray());
        AssertParetoFront(result);
    }

    [TestMethod]
    public void ResNetCacheSimulationMatchesPredictor()
    {
        var sets = ExitClassSets.Incremental([[9], [8]], 10);
        var net = Architectures.ResNet(20, [7, 13, 20], inChannels: 1, classes: 10, exitOutputs: sets.OutputCounts(), generator: new Generator(4));
        var inputs = Uniform([12, 1, 16, 16], -1f, 1f, 3);
        var labels = Enumerable.Range(0, 12).Select(i => i % 10).ToArray();
        var cache = ExitScoreCache.Build(net, sets, inputs, labels, batchSize: 5);
        var result = ThresholdCalibrator.CalibrateForAccuracy(cache, 0.5, ExitPolicy.MaxProbability);
        var real = new EarlyExitPredictor(net, sets, result.Thresholds, [1, 16, 16], ExitPolicy.MaxProbability).PredictBatch(inputs);
        CollectionAssert.AreEqual(real.ExitIndices(), result.Simulation.Exits.ToArray());
        CollectionAssert.AreEqual(real.PredictedClasses(), result.Simulation.PredictedClasses.ToArray());
        Assert.AreEqual((double)real.ExecutedMacs / 12, result.AverageMacs, 1e-9);
    }

    [TestMethod]
    public void BadArgumentsThrowNamingTheArgument()
    {
        var (net, sets, inputs, labels) = Problem(50, bag: false, 1);
        var cache = ExitScoreCache.Build(net, sets, inputs, labels);
        Assert.AreEqual("maxAccuracyDrop", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ThresholdCalibrator.CalibrateForAccuracy(cache, -0.01)).ParamName);
        Assert.AreEqual("maxAccuracyDrop", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ThresholdCalibrator.CalibrateForAccuracy(cache, double.NaN)).ParamName);
        Assert.AreEqual("minimumRecall", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ThresholdCalibrator.CalibrateForRecall(cache, new Dictionary<int, double> { [0] = 1.5 })).ParamName);
        Assert.AreEqual("minimumRecall", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ThresholdCalibrator.CalibrateForRecall(cache, new Dictionary<int, double> { [0] = -0.1 })).ParamName);
        Assert.AreEqual("minimumRecall", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ThresholdCalibrator.CalibrateForRecall(cache, new Dictionary<int, double> { [7] = 0.5 })).ParamName);
        Assert.AreEqual("minimumRecall", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ThresholdCalibrator.CalibrateForRecall(cache, new Dictionary<int, double> { [-1] = 0.5 })).ParamName);
        Assert.ThrowsExactly<ArgumentException>(() => ThresholdCalibrator.Calibrate(cache, new ThresholdCalibrationOptions()));
        Assert.AreEqual("options.MaxAccuracyDrop", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ThresholdCalibrator.Calibrate(cache, new ThresholdCalibrationOptions { MaxAccuracyDrop = -1 })).ParamName);
        Assert.AreEqual("labels", Assert.ThrowsExactly<ArgumentException>(() => ExitScoreCache.Build(net, sets, inputs, labels[..10])).ParamName);
        Assert.AreEqual("labels", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExitScoreCache.Build(net, sets, inputs, Enumerable.Repeat(Classes, 50).ToArray())).ParamName);
        Assert.AreEqual("exitClasses", Assert.ThrowsExactly<ArgumentException>(() => ExitScoreCache.Build(net, ExitClassSets.AllClasses(2, Classes), inputs, labels)).ParamName);
        Assert.AreEqual("thresholds", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => cache.Simulate(ExitPolicy.Entropy, [float.NaN, 0f])).ParamName);
    }

    private static double Gaussian(Random g) => Math.Sqrt(-2 * Math.Log(1 - g.NextDouble())) * Math.Cos(2 * Math.PI * g.NextDouble());

    private static void AssertParetoFront(ThresholdCalibrationResult result)
    {
        var front = result.ParetoFront;
        Assert.IsTrue(front.Count >= 2);
        for (int i = 1; i < front.Count; i++)
        {
            Assert.IsTrue(front[i].AverageMacs > front[i - 1].AverageMacs);
            Assert.IsTrue(front[i].Accuracy > front[i - 1].Accuracy);
        }

        Assert.IsTrue(front.Any(p => p.Feasible));
    }
}
