using System.Diagnostics;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>The scorer's Transform is lazy and reads one batch at a time, however large the data.</summary>
[TestClass]
public sealed class ScoringCursorTests
{
    [TestMethod]
    public void TransformReadsTheInputOneBatchAtATime()
    {
        var ml = new MLContext(seed: 1);
        var scorer = ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 1, inferenceBatchSize: 64)).Fit(ClassyNetTestData.LoadKeyed(ml, 64, seed: 1));
        var random = new Random(5);
        const long rows = 20_000;
        var source = new GeneratedDataView(rows, 4, ClassyNetTestData.FeatureCount, i => 1 + (uint)(i % 4), (i, x) =>
        {
            for (int f = 0; f < x.Length; f++)
            {
                x[f] = (float)random.NextDouble() + (f % 4 == i % 4 ? 2.5f : 0f);
            }
        });

        var scored = scorer.Transform(source);
        Assert.AreEqual(0L, source.RowsRead, "Transform itself reads nothing");
        using var cursor = scored.GetRowCursor([scored.Schema["PredictedLabel"], scored.Schema["Label"]]);
        var predicted = cursor.GetGetter<uint>(scored.Schema["PredictedLabel"]);
        var label = cursor.GetGetter<uint>(scored.Schema["Label"]);
        Assert.IsTrue(cursor.MoveNext());
        Assert.AreEqual(64L, source.RowsRead, "the first row of the output needs exactly one batch of input");

        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        long n = 1;
        uint p = 0, y = 0;
        do
        {
            predicted(ref p);
            label(ref y);
            Assert.IsTrue(p is >= 1 and <= 4 && y == 1 + (uint)((n - 1) % 4), $"row {n - 1}: predicted key {p}, label key {y} passed through");
            Assert.IsLessThanOrEqualTo(n + 63, source.RowsRead, "never more than one batch ahead");
        }
        while (cursor.MoveNext() && ++n > 0);
        clock.Stop();
        long allocatedPerRow = (GC.GetAllocatedBytesForCurrentThread() - before) / rows;
        Assert.AreEqual(rows, n);
        Console.WriteLine($"scoring cursor: {rows / clock.Elapsed.TotalSeconds:F0} rows/s, {allocatedPerRow} bytes allocated per row (batch 64, MLP 16-16-16)");
        Assert.IsLessThan(4096, allocatedPerRow, "per-row allocation stays small: no buffering of the whole view");
    }
}
