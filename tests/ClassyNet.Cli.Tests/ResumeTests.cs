using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Tests;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary>Ctrl+C during training leaves a checkpoint; <c>--resume</c> continues from it to the same weights.</summary>
[TestClass]
public sealed class ResumeTests
{
    /// <summary>
    /// Ctrl+C at the end of epoch 1, or inside epoch 2 (216 training samples after the 10% held out, 7 batches: the 50%
    /// line of epoch 2 is printed after its 4th batch); the messages say where training stopped and where it resumed, and
    /// the resumed model equals three straight epochs.
    /// </summary>
    [TestMethod]
    [DataRow("epoch 1/3: 100%", "Interrupted after 1 completed epoch(s)", "Resumed at the start of epoch 2.")]
    [DataRow("epoch 2/3: 50%", "Interrupted in epoch 2 after batch 4 of about 7 (1 epoch(s) completed)", "Resumed in epoch 2 at batch 5 of about 7")]
    public void InterruptedTrainingResumesToTheSameModel(string stopAt, string interruptedSays, string resumedSays)
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("d.csv"), 240, seed: 5);
        string[] common = ["train", "--dataset", "csv", "--data", dir.File("d.csv"), "--exit-classes", "0;1", "--widths", "8,8,8", "--epochs", "3", "--lr", "0.01", "--batch-size", "32", "--seed", "7"];

        var straight = CliRun.Invoke([.. common, "--out", dir.File("straight.zip")]);
        Assert.AreEqual(0, straight.ExitCode, straight.ToString());

        string model = dir.File("resumed.zip");
        using var cancel = new CancellationTokenSource();
        var interrupted = CliRun.Invoke([.. common, "--out", model], cancel.Token, line =>
        {
            if (line.StartsWith(stopAt, StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        });
        Assert.AreEqual(Program.Interrupted, interrupted.ExitCode, interrupted.ToString());
        StringAssert.Contains(interrupted.Error, interruptedSays);
        StringAssert.Contains(interrupted.Error, "checkpoint saved to");
        StringAssert.Contains(interrupted.Error, "--resume to continue from the next batch");
        Assert.IsTrue(File.Exists(model + ".ckpt"));
        Assert.IsFalse(File.Exists(model), "no model is written by an interrupted run");

        var resumed = CliRun.Invoke([.. common, "--out", model, "--resume"]);
        Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
        StringAssert.Contains(resumed.Output, "Resuming from checkpoint");
        StringAssert.Contains(resumed.Output, resumedSays);
        Assert.IsFalse(resumed.Output.Contains("epoch 1:", StringComparison.Ordinal), "epoch 1 is not trained again");
        StringAssert.Contains(resumed.Output, "epoch 3:");
        Assert.IsFalse(File.Exists(model + ".ckpt"), "the checkpoint is removed once the model is written");

        var a = ClassyNetModel.Load(dir.File("straight.zip")).Network.state_dict();
        var b = ClassyNetModel.Load(model).Network.state_dict();
        CollectionAssert.AreEquivalent(a.Keys.ToArray(), b.Keys.ToArray());
        foreach (var (name, tensor) in a)
        {
            Assert.IsTrue(TensorAssert.Same(tensor, b[name]), $"'{name}' after the interruption and --resume equals 3 straight epochs");
        }
    }

    [TestMethod]
    public void ResumeWithoutACheckpointOrWithAForeignOneIsAUserError()
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("d.csv"), 40, seed: 5);
        string[] common = ["train", "--dataset", "csv", "--data", dir.File("d.csv"), "--exit-classes", "0;1", "--epochs", "1", "--out", dir.File("m.zip")];
        ErrorTests.AssertUserError(CliRun.Invoke([.. common, "--resume"]), "--resume: no checkpoint at");

        File.WriteAllText(dir.File("m.zip.ckpt"), "not a checkpoint");
        ErrorTests.AssertUserError(CliRun.Invoke([.. common, "--resume"]));
    }
}
