using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Tests;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary>The CLI on a Fashion-MNIST subset (fails under CI=true without the data, inconclusive locally).</summary>
[TestClass]
public sealed class FashionMnistTests
{
    [TestMethod]
    public void TrainsAndEvaluatesAnMlpAndAResNetOnASubset()
    {
        string data = RealData.FashionMnistDirectory();
        using var dir = new TempDirectory();
        string mlp = dir.File("mlp.zip");
        var train = CliRun.Invoke("train", "--dataset", "fashion-mnist", "--data", data, "--arch", "mlp", "--widths", "32,32,32", "--exit-classes", "9;8",
            "--train-limit", "1000", "--epochs", "2", "--lr", "0.003", "--out", mlp);
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        var model = ClassyNetModel.Load(mlp);
        CollectionAssert.AreEqual(FashionMnist.ClassNames.ToArray(), model.ClassNames!.ToArray());

        var evaluate = CliRun.Invoke("evaluate", mlp, "--dataset", "fashion-mnist", "--data", data, "--limit", "500");
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.ToString());
        var test = FashionMnist.Load(data, FashionMnistSplit.Test, 500);
        var predicted = model.Predict(test).PredictedClasses();
        int correct = Enumerable.Range(0, test.Count).Count(i => predicted[i] == test.Labels[i]);
        Assert.IsTrue(correct > 250, $"an MLP on 1000 images gets well above chance (10%) on 500 test images: {correct}");
        StringAssert.Contains(evaluate.Output, $"Accuracy: {ChainTests.Pct(correct / 500.0)} ({correct} of 500 correct)");
        StringAssert.Contains(evaluate.Output, "9 Ankle boot");

        // The conv path: the R20-3E preset for one short epoch.
        string r20 = dir.File("r20.zip");
        var trainR20 = CliRun.Invoke("train", "--dataset", "fashion-mnist", "--data", data, "--preset", "r20-3exit", "--train-limit", "64", "--batch-size", "32", "--epochs", "1", "--validation-fraction", "0", "--out", r20);
        Assert.AreEqual(0, trainR20.ExitCode, trainR20.ToString());
        var resnet = ClassyNetModel.Load(r20);
        Assert.AreEqual("r20-3exit", resnet.Metadata["preset"]);
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, resnet.InputShape.ToArray());
        var evalR20 = CliRun.Invoke("evaluate", r20, "--dataset", "fashion-mnist", "--data", data, "--limit", "32");
        Assert.AreEqual(0, evalR20.ExitCode, evalR20.ToString());
        StringAssert.Matches(evalR20.Output, new System.Text.RegularExpressions.Regex(@"full network .*: [\d.]+ M; speedup"));
    }
}
