using System.Text.RegularExpressions;
using ClassyNet.Cli;
using ClassyNet.Edge;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Tests;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Deployment.Tests;

/// <summary><c>classynet export edge-part</c> and <c>classynet serve cloud-part</c>, run in-process as a user would.</summary>
[TestClass]
public sealed partial class CliDeploymentTests
{
    [TestMethod]
    [Timeout(120_000)]
    public async Task ExportThenServeThenClassifyOnTheEdge()
    {
        using var folder = new TempDirectory();
        var model = DeploymentModels.Mlp();
        const int n = 48;
        var raw = DeploymentModels.Inputs(model, n, seed: 23);
        model = SplitEquivalenceTests.MedianThresholds(model, raw, n);
        model.Save(folder.File("cn-small.zip"));
        File.WriteAllText(folder.File("key.txt"), TestService.ApiKey + "\n");

        var export = Cli("export", "edge-part", folder.File("cn-small.zip"), "--split-exit", "1", "--out", folder.File("package"));
        Assert.AreEqual(0, export.Code, export.Error);
        StringAssert.Contains(export.Output, "cn-small@");
        var package = EdgePackage.Load(folder.File("package"));
        Assert.AreEqual("cn-small", package.Manifest.Model.Id, "the default id is the file name");

        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var synchronized = TextWriter.Synchronized(output);
        var error = new StringWriter();
        var serving = Task.Run(() => Program.Run(
            ["serve", "cloud-part", "--model", folder.File("cn-small.zip"), "--urls", "http://127.0.0.1:0", "--api-key-file", folder.File("key.txt"), "--max-concurrency", "2"],
            synchronized,
            error,
            rich: false,
            stop.Token));
        Uri? address = null;
        for (int i = 0; i < 600 && address is null && !serving.IsCompleted; i++)
        {
            await Task.Delay(50);
            var match = Listening().Match(output.ToString());
            address = match.Success ? new Uri(match.Groups[1].Value) : null;
        }

        Assert.IsNotNull(address, "the service said where it listens: " + output + error);
        var unsplit = model.Predict(new TensorDataset(raw, new int[n], [.. model.InputShape]), batchSize: n);
        using (var client = TestService.Client(address))
        using (var runtime = new EdgeRuntime(package))
        {
            var result = await new EdgeClassifier(runtime, client).ClassifyAsync(raw, n);
            SplitEquivalenceTests.AssertSame(unsplit, result.Answers, splitExit: 1);
        }

        await stop.CancelAsync();
        Assert.AreEqual(0, await serving, output.ToString() + error);
        StringAssert.Contains(output.ToString(), "stopped");
    }

    [TestMethod]
    public void BadDeploymentCommandsSayWhatIsWrong()
    {
        using var folder = new TempDirectory();
        DeploymentModels.Mlp().Save(folder.File("m.zip"));
        var split = Cli("export", "edge-part", folder.File("m.zip"), "--split-exit", "9", "--out", folder.File("p"));
        Assert.AreEqual(1, split.Code);
        StringAssert.Contains(split.Error, "1..3");
        var missing = Cli("serve", "cloud-part", "--model", folder.File("none.zip"), "--api-key-file", folder.File("m.zip"));
        Assert.AreEqual(1, missing.Code);
        StringAssert.Contains(missing.Error, "none.zip");
        if (Environment.GetEnvironmentVariable("CLASSYNET_API_KEY") is null)
        {
            var noKey = Cli("serve", "cloud-part", "--model", folder.File("m.zip"));
            Assert.AreEqual(1, noKey.Code);
            StringAssert.Contains(noKey.Error, "CLASSYNET_API_KEY");
        }
    }

    private static (int Code, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex Listening();
}
