using ClassyNet.Edge;
using ClassyNet.MLNet.Data;
using ClassyNet.Serving;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Deployment.Tests;

/// <summary>The end-to-end measurement API the split report is built on: accuracy and per-batch latency under a link.</summary>
[TestClass]
public sealed class SplitDeploymentTests
{
    [TestMethod]
    [Timeout(120_000)]
    public async Task MeasuresAccuracyAndLatencyPerBatchUnderTheLink()
    {
        var model = DeploymentModels.Mlp();
        const int n = 64, batch = 16;
        var raw = DeploymentModels.Inputs(model, n, seed: 17);
        model = SplitEquivalenceTests.MedianThresholds(model, raw, n);
        var labels = Enumerable.Range(0, n).Select(i => (i * 7) % 4).ToArray();
        var test = new TensorDataset(raw, labels, [.. model.InputShape]);
        var unsplit = model.Predict(test, batchSize: n);
        double expectedAccuracy = Enumerable.Range(0, n).Count(i => unsplit.Predictions[i].PredictedClass == labels[i]) / (double)n;

        await using var deployment = await SplitDeployment.StartAsync(model, "mlp");
        var link = new LinkEmulatorOptions { RoundTripTime = TimeSpan.FromMilliseconds(60), BandwidthBytesPerSecond = 1_000_000 };
        var split = await deployment.MeasureAsync(splitExit: 1, test, link, batchSize: batch);
        Assert.AreEqual(n, split.Count);
        Assert.AreEqual(n / batch, split.Batches.Count);
        Assert.AreEqual(expectedAccuracy, split.Accuracy, 1e-12, "the split answers what the unsplit model answers");
        CollectionAssert.AreEqual(unsplit.ExitCounts(), split.ExitCounts.ToArray());
        Assert.AreEqual(n - unsplit.ExitCounts()[0], split.SentToCloud);
        Assert.AreEqual(0, split.Unanswered);
        foreach (var b in split.Batches.Where(b => b.SentToCloud > 0))
        {
            Assert.IsTrue(b.Latency >= TimeSpan.FromMilliseconds(60), $"a batch that went to the cloud paid the RTT: {b.Latency.TotalMilliseconds:F1} ms");
            Assert.AreEqual(4L * 16 * b.SentToCloud, b.BytesSent, "16 floats per activation");
        }

        Assert.AreEqual(split.Batches.Sum(b => b.Latency.Ticks), split.TotalLatency.Ticks);
        Assert.IsTrue(split.BatchLatencyQuantile(0.5) <= split.BatchLatencyQuantile(1));

        var whole = await deployment.MeasureAsync(splitExit: 3, test, link, batchSize: batch);
        Assert.AreEqual(expectedAccuracy, whole.Accuracy, 1e-12);
        Assert.AreEqual(0, whole.SentToCloud);
        Assert.IsTrue(whole.TotalLatency < split.TotalLatency, $"the whole model on the edge never pays the link ({whole.TotalLatency.TotalMilliseconds:F1} vs {split.TotalLatency.TotalMilliseconds:F1} ms)");

        var other = await deployment.MeasureAsync(splitExit: 1, test, link, batchSize: batch, thresholds: [0f, 0f]);
        Assert.AreEqual(n, other.ExitCounts[2], "thresholds given for the deployment reach the edge and the cloud: 0 sends everything to the final exit");
    }
}
