using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace ClassyNet.Deployment.Tests;

/// <summary>The one exit rule (Algorithm 1, lines 5-7) shared by TorchSharp inference, calibration, the edge and the cloud.</summary>
[TestClass]
public sealed class ExitDecisionTests
{
    [TestMethod]
    public void LeavesFollowsAlgorithmOne()
    {
        Assert.IsTrue(ExitDecision.Leaves(ExitPolicy.Entropy, 0.29f, 0.3f, argmaxIsBag: false));
        Assert.IsFalse(ExitDecision.Leaves(ExitPolicy.Entropy, 0.3f, 0.3f, argmaxIsBag: false), "entropy must be strictly below the threshold");
        Assert.IsFalse(ExitDecision.Leaves(ExitPolicy.Entropy, 0.01f, 0.3f, argmaxIsBag: true), "a bag answer never leaves");
        Assert.IsFalse(ExitDecision.Leaves(ExitPolicy.Entropy, 0f, 0f, argmaxIsBag: false), "threshold 0 disables an exit");
        Assert.IsTrue(ExitDecision.Leaves(ExitPolicy.MaxProbability, 0.9f, 0.9f, argmaxIsBag: false), "max probability at least the threshold");
        Assert.IsFalse(ExitDecision.Leaves(ExitPolicy.MaxProbability, 0.89f, 0.9f, argmaxIsBag: false));
        Assert.AreEqual(0.7f, ExitDecision.Score(ExitPolicy.MaxProbability, 2f, [0.1f, 0.7f, 0.2f]));
        Assert.AreEqual(2f, ExitDecision.Score(ExitPolicy.Entropy, 2f, [0.1f, 0.7f, 0.2f]));
        Assert.AreEqual(1, ExitDecision.ArgMax([0.2f, 0.4f, 0.4f]), "the first of tied maxima, as libtorch");
    }

    [TestMethod]
    public void MapToClassesSpreadsTheBagOverTheClassesOutsideTheSet()
    {
        var classes = new float[5];
        ExitDecision.MapToClasses([3, 1, -1], [0.5f, 0.2f, 0.3f], classes);
        CollectionAssert.AreEqual(new[] { 0.1f, 0.2f, 0.1f, 0.5f, 0.1f }, classes);
        ExitDecision.MapToClasses([0, 1, 2, 3, 4], [0.1f, 0.2f, 0.3f, 0.3f, 0.1f], classes);
        CollectionAssert.AreEqual(new[] { 0.1f, 0.2f, 0.3f, 0.3f, 0.1f }, classes);
    }

    [TestMethod]
    public void WithoutBagOfClassesPriorityExitsGiveProbabilitiesInClassOrder()
    {
        // Regression: BoC off with a priority set (cost-sensitive training without the bag) has K outputs in class order;
        // the mapping used the priority set and put output 0's probability on class 9 and zero elsewhere.
        var sets = ExitClassSets.MutuallyExclusive([[9], [8]], classCount: 10, bagOfClasses: false);
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).ToArray(), sets.OutputClasses(0).ToArray());
        var model = ClassyNetModel.Create(NetworkSpec.Mlp(4, [8, 8, 8], classes: 10), sets, [0f, 0f], seed: 3);
        using var scope = NewDisposeScope();
        var x = rand(5, 4);
        var prediction = model.CreatePredictor().PredictBatch(x).Predictions;
        using var inference = inference_mode();
        var logits = model.Network.call(x)[2];
        var expected = nn.functional.softmax(logits, 1).data<float>().ToArray();
        for (int i = 0; i < 5; i++)
        {
            Assert.AreEqual(2, prediction[i].Exit, "thresholds 0 send everything to the final exit");
            for (int c = 0; c < 10; c++)
            {
                Assert.AreEqual(expected[(i * 10) + c], prediction[i].Probabilities[c], 1e-6, $"sample {i}, class {c}");
            }
        }

        var early = ClassyNetModel.Create(NetworkSpec.Mlp(4, [8, 8, 8], classes: 10), sets, [10f, 10f], seed: 3).CreatePredictor().PredictBatch(x).Predictions;
        Assert.IsTrue(early.All(p => p.Exit == 0 && Math.Abs(p.Probabilities.Sum() - 1) < 1e-5), "an early exit without a bag answers with all K probabilities");
    }
}
