using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary>User errors: exit code 1 (<see cref="Program.UserError"/>) with a message that says what to do, no stack trace; a bad command line: 2.</summary>
[TestClass]
public sealed class ErrorTests
{
    [TestMethod]
    public void MissingFashionMnistFolderSaysHowToGetTheData()
    {
        using var dir = new TempDirectory();
        string missing = dir.File("no-such-folder");
        var train = CliRun.Invoke("train", "--dataset", "fashion-mnist", "--data", missing, "--out", dir.File("m.zip"));
        AssertUserError(train, $"Fashion-MNIST folder '{missing}' does not exist", "apt-get install dataset-fashion-mnist");
        Assert.IsFalse(File.Exists(dir.File("m.zip")));

        // A folder that exists but lacks the files says which files it needs.
        var empty = CliRun.Invoke("train", "--dataset", "fashion-mnist", "--data", dir.Path, "--out", dir.File("m.zip"));
        AssertUserError(empty, "train-images-idx3-ubyte.gz", "apt-get install dataset-fashion-mnist");

        var cifar = CliRun.Invoke("train", "--dataset", "cifar10", "--data", missing, "--out", dir.File("m.zip"));
        AssertUserError(cifar, "CIFAR-10 folder", "binary version");
    }

    [TestMethod]
    public void ModelAndDataWithDifferentClassCountsAreRefused()
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("four.csv"), 80, seed: 1);
        TinyData.Write(dir.File("six.csv"), 60, seed: 2, classes: 6);
        string model = dir.File("m.zip");
        var train = CliRun.Invoke("train", "--dataset", "csv", "--data", dir.File("four.csv"), "--exit-classes", "0;1", "--widths", "8,8,8", "--epochs", "1", "--out", model);
        Assert.AreEqual(0, train.ExitCode, train.ToString());

        var evaluate = CliRun.Invoke("evaluate", model, "--dataset", "csv", "--data", dir.File("six.csv"));
        AssertUserError(evaluate, "has 4 classes", "6 classes", "trained on csv");
        var calibrate = CliRun.Invoke("calibrate", model, "--dataset", "csv", "--data", dir.File("six.csv"), "--split", "train", "--max-accuracy-drop", "0.01");
        AssertUserError(calibrate, "has 4 classes");
        var report = CliRun.Invoke("report", "--models", model, "--dataset", "csv", "--data", dir.File("six.csv"), "--out", dir.File("r"));
        AssertUserError(report, "has 4 classes");

        // Fashion-MNIST images against a 2-feature model: the shapes differ (checked when the data is installed).
        if (ClassyNet.MLNet.Data.FashionMnist.IsAvailable())
        {
            var fmnist = CliRun.Invoke("evaluate", model, "--dataset", "fashion-mnist", "--limit", "10");
            AssertUserError(fmnist, "has 4 classes but fashion-mnist has 10");
        }
    }

    [TestMethod]
    public void UnknownPresetListsTheKnownOnes()
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("d.csv"), 20, seed: 1);
        var run = CliRun.Invoke("train", "--dataset", "csv", "--data", dir.File("d.csv"), "--preset", "resnet-9000", "--out", dir.File("m.zip"));
        AssertUserError(run, "Unknown --preset 'resnet-9000'", "r20-3exit", "resnet110-7exit", "alexnet-3exit");
    }

    [TestMethod]
    [DataRow("0;x", "'x' is not a class index")]
    [DataRow("0;7", "names class 7, but the data has 4 classes")]
    [DataRow("0;;1", "group 2 is empty")]
    [DataRow("0;0", "class 0 is added at exit 2 but an earlier exit already answers for it")]
    [DataRow("", "--exit-classes is empty")]
    public void BadExitClassesAreUserErrors(string exitClasses, string message)
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("d.csv"), 20, seed: 1);
        var run = CliRun.Invoke("train", "--dataset", "csv", "--data", dir.File("d.csv"), "--exit-classes", exitClasses, "--out", dir.File("m.zip"));
        AssertUserError(run, "--exit-classes", message);
        Assert.IsFalse(run.Error.Contains("(Parameter '", StringComparison.Ordinal), "no programmer-facing parameter names: " + run.Error);
    }

    [TestMethod]
    public void BadCommandLinesExitWithTwo()
    {
        Assert.AreEqual(2, CliRun.Invoke("train", "--dataset", "csv", "--no-such-option").ExitCode);
        Assert.AreEqual(2, CliRun.Invoke("train", "--dataset", "csv").ExitCode, "--out is required");
        Assert.AreEqual(2, CliRun.Invoke("frobnicate").ExitCode);
        Assert.AreEqual(2, CliRun.Invoke("train", "--dataset", "csv", "--epochs", "many", "--out", "m.zip").ExitCode);
    }

    [TestMethod]
    public void MissingOrDamagedModelIsAUserError()
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("d.csv"), 20, seed: 1);
        AssertUserError(CliRun.Invoke("evaluate", dir.File("none.zip"), "--dataset", "csv", "--data", dir.File("d.csv")), "does not exist");
        AssertUserError(CliRun.Invoke("evaluate", dir.File("d.csv"), "--dataset", "csv", "--data", dir.File("d.csv")), "is not a valid ClassyNet model");
        AssertUserError(CliRun.Invoke("calibrate", dir.File("none.zip"), "--dataset", "csv", "--data", dir.File("d.csv")), "needs a constraint");
    }

    internal static void AssertUserError(CliRun run, params string[] fragments)
    {
        Assert.AreEqual(Program.UserError, run.ExitCode, run.ToString());
        StringAssert.StartsWith(run.Error, "error: ", run.ToString());
        foreach (string fragment in fragments)
        {
            StringAssert.Contains(run.Error, fragment, run.ToString());
        }

        Assert.IsFalse(run.Error.Contains("   at ", StringComparison.Ordinal), "no stack trace: " + run.Error);
    }
}
