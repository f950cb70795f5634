using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary>
/// Bounded memory: <c>evaluate</c> and <c>report</c> read their data in batches. A source that counts the rows it hands
/// out shows that evaluation reads at most one batch ahead of the predictions, and the managed memory allocated for a
/// whole pass is a fraction of what the data set would take as floats.
/// </summary>
[TestClass]
public sealed class StreamingTests
{
    private const int Features = 784;

    [TestMethod]
    public void EvaluationReadsTheDataLazilyInBatchesAndBuildsNoWholeDatasetArray()
    {
        const int count = 20_000, batchSize = 256;
        var rows = new CountingRows(count);
        var view = new MLContext(seed: 0).Data.LoadFromEnumerable(rows);
        var source = SampleSource.FromDataView(view, [Features], ["a", "b", "c", "d"], limit: null);
        Assert.AreEqual(count, source.Count);
        CollectionAssert.AreEqual(Enumerable.Range(0, count).Select(i => i % 4).ToArray(), source.Labels, "labels are read first, in one pass");

        var model = ClassyNetModel.Create(NetworkSpec.Mlp(Features, [8, 8, 8], 4, ExitClassSets.Incremental([[0], [1]], 4).OutputCounts()), ExitClassSets.Incremental([[0], [1]], 4), [0.3f, 0.2f], seed: 1);
        var predictor = model.CreatePredictor();
        rows.Pulled = 0;
        int batches = 0, mostAhead = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var run = StreamedRun.Run(model, predictor, source, batchSize, CancellationToken.None, done =>
        {
            batches++;
            mostAhead = Math.Max(mostAhead, rows.Pulled - done);
        });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.AreEqual(count, rows.Pulled, "every row is read once");
        Assert.AreEqual((count + batchSize - 1) / batchSize, batches);
        Assert.IsTrue(mostAhead <= 0, $"the source was {mostAhead} rows ahead of the predictions: it is read as the batches are predicted");
        long asFloats = (long)count * Features * sizeof(float);
        Assert.IsTrue(allocated < asFloats / 8, $"{allocated / 1e6:F1} MB allocated for a pass over {asFloats / 1e6:F0} MB of features: no whole-data-set array");

        // And the streamed answers are the library's answers on the same samples held in memory.
        var inMemory = model.Predict(source.ToDataset());
        var rowsByClass = run.Evaluation.ExitCountRows();
        CollectionAssert.AreEqual(inMemory.ExitCounts(), Enumerable.Range(0, 3).Select(e => rowsByClass.Sum(r => r[e])).ToArray());
        Assert.AreEqual(inMemory.PredictedClasses().Where((p, i) => p == i % 4).Count() / (double)count, run.Evaluation.Accuracy, 1e-12);
        Assert.AreEqual(inMemory.AverageMacs, run.Evaluation.AverageMacs, 1e-6);
    }

    [TestMethod]
    public void GatherCollectsTheRequestedRowsInOrderWithRepeats()
    {
        var source = SampleSource.FromDataView(new MLContext(seed: 0).Data.LoadFromEnumerable(new CountingRows(1000)), [Features], ["a", "b", "c", "d"], limit: 600);
        Assert.AreEqual(600, source.Count, "--limit keeps the first rows");
        var gathered = source.Gather([599, 3, 3, 0]);
        CollectionAssert.AreEqual(new[] { 599 % 4, 3, 3, 0 }, gathered.Labels);
        Assert.AreEqual(CountingRows.Value(599, 7), gathered.Features[7]);
        Assert.AreEqual(CountingRows.Value(3, 0), gathered.Features[Features]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => source.Gather([600]));
    }

    /// <summary>Rows i = 0..n-1 with label i mod 4 and features f(i, j), one reused row object; counts the rows pulled.</summary>
    private sealed class CountingRows(int count) : IEnumerable<CountingRows.Row>
    {
        public int Pulled { get; set; }

        public static float Value(int row, int feature) => ((row * 31) + feature) % 97 / 97f;

        public IEnumerator<Row> GetEnumerator()
        {
            var row = new Row();
            for (int i = 0; i < count; i++)
            {
                Pulled++;
                row.Label = i % 4;
                for (int j = 0; j < Features; j++)
                {
                    row.Features[j] = Value(i, j);
                }

                yield return row;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public sealed class Row
        {
            public float Label { get; set; }

            [VectorType(784)]
            public float[] Features { get; set; } = new float[784];
        }
    }
}
