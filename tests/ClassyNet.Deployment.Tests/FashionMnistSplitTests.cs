using ClassyNet.Edge;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tests;
using ClassyNet.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Deployment.Tests;

/// <summary>The "done when": split == unsplit on the whole Fashion-MNIST test set, over real loopback gRPC.</summary>
[TestClass]
public sealed class FashionMnistSplitTests
{
    [TestMethod]
    [Timeout(600_000)]
    public async Task SplitEqualsUnsplitOnTheFashionMnistTestSet()
    {
        string dir = RealData.FashionMnistDirectory();
        var train = Flat(FashionMnist.Load(dir, FashionMnistSplit.Train, limit: 6000));
        var test = Flat(FashionMnist.Load(dir, FashionMnistSplit.Test));

        // A small CN model (BoC, IC: trousers at exit 1, ankle boots added at exit 2) trained briefly; thresholds from
        // training images, so that both the edge and the cloud answer a good share of the test set.
        var sets = ExitClassSets.Incremental([[1], [9]], classCount: 10);
        var model = ClassyNetModel.Create(NetworkSpec.Mlp(784, [32, 64, 128], classes: 10), sets, [0.3f, 0.3f], seed: 1);
        new MultiExitTrainer(model.Network, new MultiExitTrainerOptions { ExitClasses = sets, ExitLossWeights = [0.4f, 0.3f, 0.3f], Epochs = 3, BatchSize = 64, Seed = 1 }).Fit(train);
        model = SplitEquivalenceTests.MedianThresholds(model, train.Features[..(2000 * 784)], 2000, shiftBag: false);

        var unsplit = model.Predict(test, batchSize: 500);
        await using var service = await TestService.StartAsync([(model, "r8-cn")]);
        using var packages = new EdgePackages();
        using var client = service.Client();
        foreach (int splitExit in new[] { 1, 2 })
        {
            using var runtime = new EdgeRuntime(packages.Export(model, splitExit, "r8-cn"));
            var classifier = new EdgeClassifier(runtime, client);
            var answers = new List<EdgeAnswer>();
            for (int start = 0; start < test.Count; start += 500)
            {
                var batch = await classifier.ClassifyAsync(test.Features.AsMemory(start * 784, 500 * 784), 500);
                answers.AddRange(batch.Answers);
            }

            var differences = Enumerable.Range(0, test.Count)
                .Where(i => answers[i].Exit != unsplit.Predictions[i].Exit || answers[i].PredictedClass != unsplit.Predictions[i].PredictedClass)
                .ToArray();
            int onEdge = answers.Count(a => a.Source == EdgeAnswerSource.Edge);
            Console.WriteLine($"split {splitExit}: {onEdge} of {test.Count} answered on the edge, {test.Count - onEdge} by the cloud; {differences.Length} differ from the unsplit model");

            // A difference is only acceptable where the unsplit model's score sits on a threshold to within the two
            // engines' last bits; none is expected.
            foreach (int i in differences)
            {
                int exit = Math.Min(answers[i].Exit, unsplit.Predictions[i].Exit);
                Assert.IsTrue(exit < model.ExitCount - 1 && Math.Abs(unsplit.Predictions[i].Score - model.Thresholds[exit]) < 1e-5, $"sample {i}: split {answers[i]}, unsplit {unsplit.Predictions[i]}");
            }

            Assert.IsTrue(differences.Length <= test.Count / 1000, $"{differences.Length} differences");
            Assert.IsTrue(answers.All(a => a.IsAnswered));
            Assert.IsTrue(onEdge > 200 && onEdge < test.Count, $"{onEdge} on the edge: both sides are exercised");
            double accuracySplit = Enumerable.Range(0, test.Count).Count(i => answers[i].PredictedClass == test.Labels[i]) / (double)test.Count;
            double accuracyUnsplit = Enumerable.Range(0, test.Count).Count(i => unsplit.Predictions[i].PredictedClass == test.Labels[i]) / (double)test.Count;
            Assert.AreEqual(accuracyUnsplit, accuracySplit, 1.0 / test.Count * differences.Length + 1e-12);
        }
    }

    private static TensorDataset Flat(TensorDataset images) => new(images.Features, images.Labels, 784);
}
