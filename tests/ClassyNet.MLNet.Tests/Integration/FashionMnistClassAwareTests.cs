using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;
using ClassyNet.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Integration;

/// <summary>
/// The paper's qualitative result on real data (6,000 Fashion-MNIST training images, a three-exit MLP on the
/// flattened pixels so the test takes seconds; the ResNet runs are in docs/results-fashion-mnist.md): under
/// ClassyNet (BoC, IC) the first exit emits almost only its assigned class, and that class leaves there at least as
/// often as under BranchyNet trained the same way.
/// </summary>
[TestClass]
public sealed class FashionMnistClassAwareTests
{
    private const int Priority = 1; // Trouser

    [TestMethod]
    [Timeout(600_000)]
    public void ClassyNetFirstExitEmitsItsAssignedClass()
    {
        string dir = RealData.FashionMnistDirectory();
        var train = Flatten(FashionMnist.Load(dir, FashionMnistSplit.Train, limit: 6000));
        var test = Flatten(FashionMnist.Load(dir, FashionMnistSplit.Test, limit: 2000));
        float[] thresholds = [0.3f, 0.3f];

        var branchy = ExitClassSets.AllClasses(3, 10);
        var classy = ExitClassSets.Incremental([[Priority], [9]], 10);
        var (bnExits, bnPredicted) = TrainAndRun(branchy, train, test, thresholds);
        var (cnExits, cnPredicted) = TrainAndRun(classy, train, test, thresholds);

        int cnAtExit1 = cnExits.Count(e => e == 0);
        int cnPriorityAtExit1 = Enumerable.Range(0, test.Count).Count(i => cnExits[i] == 0 && cnPredicted[i] == Priority);
        int cnTruePriorityAtExit1 = Enumerable.Range(0, test.Count).Count(i => cnExits[i] == 0 && test.Labels[i] == Priority);
        int bnTruePriorityAtExit1 = Enumerable.Range(0, test.Count).Count(i => bnExits[i] == 0 && test.Labels[i] == Priority);
        string summary = $"CN exit 1: {cnAtExit1} samples, {cnPriorityAtExit1} predicted as class {Priority}, {cnTruePriorityAtExit1} truly class {Priority}; BN exit 1: {bnExits.Count(e => e == 0)} samples, {bnTruePriorityAtExit1} truly class {Priority}.";
        Console.WriteLine(summary);

        Assert.IsTrue(cnAtExit1 > 0, "CN must exit some samples early. " + summary);
        Assert.AreEqual(cnAtExit1, cnPriorityAtExit1, "the BoC exit can only answer with its own class. " + summary);
        Assert.IsTrue(cnTruePriorityAtExit1 >= 0.95 * cnAtExit1, "at least 95% of CN's first-exit samples are the assigned class. " + summary);
        Assert.IsTrue(cnTruePriorityAtExit1 >= bnTruePriorityAtExit1, "the assigned class leaves at exit 1 at least as often as under BN. " + summary);
        double accuracy = cnPredicted.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Count;
        Assert.IsTrue(accuracy > 0.75, $"CN early-exit accuracy {accuracy:P1} is far too low. " + summary);
    }

    private static (int[] Exits, int[] Predicted) TrainAndRun(ExitClassSets sets, TensorDataset train, TensorDataset test, float[] thresholds)
    {
        var net = Architectures.Mlp(784, [32, 64, 128], 10, sets.OutputCounts(), generator: new Generator(7));
        new MultiExitTrainer(net, new MultiExitTrainerOptions
        {
            ExitClasses = sets,
            ExitLossWeights = [0.4f, 0.3f, 0.3f],
            Epochs = 5,
            BatchSize = 64,
            Seed = 3,
        }).Fit(train);
        var predictor = new EarlyExitPredictor(net, sets, thresholds, inputShape: [784]);
        var result = predictor.PredictBatch(test.Features, test.Count);
        return (result.ExitIndices(), result.PredictedClasses());
    }

    private static TensorDataset Flatten(TensorDataset images) => new(images.Features, images.Labels, 784);
}
