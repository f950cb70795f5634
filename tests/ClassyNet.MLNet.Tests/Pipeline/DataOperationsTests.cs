using ClassyNet.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class DataOperationsTests
{
    [TestMethod]
    public void LoadFromTextFileStreamsTypedColumnsWithHeaderAndQuoting()
    {
        using var dir = new TempDirectory();
        string path = dir.File("data.csv");
        File.WriteAllText(path, "label,name,a,b,c,flag,count\n1,\"Smith, J\",0.5,1e3,?,true,7\n\n0,plain,-1,2,3,no,\n");
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromTextFile<TextRow>(path, separatorChar: ',', hasHeader: true, allowQuoting: true);
        Assert.AreEqual(NumberDataViewType.Single, data.Schema["Label"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), data.Schema["Features"].Type);
        Assert.AreEqual(TextDataViewType.Instance, data.Schema["Name"].Type);
        Assert.IsNull(data.GetRowCount());
        var rows = ml.Data.CreateEnumerable<TextRow>(data, reuseRowObject: false).ToArray();
        Assert.HasCount(2, rows);
        Assert.AreEqual("Smith, J", rows[0].Name);
        CollectionAssert.AreEqual(new[] { 0.5f, 1000f, float.NaN }, rows[0].Features, "'?' is a missing value");
        Assert.IsTrue(rows[0].Flag);
        Assert.AreEqual(7, rows[0].Count);
        Assert.AreEqual(0, rows[1].Count, "an empty integer field reads as 0");
        Assert.IsFalse(rows[1].Flag);
    }

    [TestMethod]
    public void MalformedTextRowsNameLineAndColumn()
    {
        using var dir = new TempDirectory();
        var ml = new MLContext();
        string bad = dir.File("bad.tsv");
        File.WriteAllText(bad, "1\tx\t1\t2\t3\ttrue\t1\n2\ty\t1\toops\t3\tfalse\t2\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.CreateEnumerable<TextRow>(ml.Data.LoadFromTextFile<TextRow>(bad), reuseRowObject: false).ToList());
        StringAssert.Contains(e.Message, "line 2, column 4");
        StringAssert.Contains(e.Message, "\"oops\"");
        StringAssert.Contains(e.Message, "'Features'");

        string shortLine = dir.File("short.tsv");
        File.WriteAllText(shortLine, "1\tx\t1\t2\t3\ttrue\t1\n2\ty\t1\n");
        var s = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.CreateEnumerable<TextRow>(ml.Data.LoadFromTextFile<TextRow>(shortLine), reuseRowObject: false).ToList());
        StringAssert.Contains(s.Message, "line 2");
        StringAssert.Contains(s.Message, "3 fields");

        string quote = dir.File("quote.csv");
        File.WriteAllText(quote, "1,\"open,1,2,3,true,1\n");
        var q = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.CreateEnumerable<TextRow>(ml.Data.LoadFromTextFile<TextRow>(quote, ',', allowQuoting: true), reuseRowObject: false).ToList());
        StringAssert.Contains(q.Message, "line 1, column 3");

        var missing = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Data.LoadFromTextFile<NoLoadColumn>(bad));
        StringAssert.Contains(missing.Message, "LoadColumn");
        Assert.ThrowsExactly<FileNotFoundException>(() => ml.Data.LoadFromTextFile<TextRow>(dir.File("none.tsv")));
    }

    [TestMethod]
    public void TrainTestSplitIsDisjointRepeatableAndKeepsGroupsTogether()
    {
        var ml = new MLContext(seed: 5);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 1000).Select(i => new IdRow { Id = i, Group = i % 50 }).ToList());
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 3);
        var train = Ids(ml, split.TrainSet);
        var test = Ids(ml, split.TestSet);
        Assert.IsEmpty(train.Intersect(test));
        Assert.HasCount(1000, train.Union(test));
        Assert.IsTrue(test.Count is > 150 and < 250, $"{test.Count} test rows for a fraction of 0.2");
        CollectionAssert.AreEqual(test, Ids(ml, ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 3).TestSet));
        CollectionAssert.AreNotEqual(test, Ids(ml, ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 4).TestSet));

        var grouped = ml.Data.TrainTestSplit(data, testFraction: 0.3, samplingKeyColumnName: "Group", seed: 3);
        var trainGroups = ml.Data.CreateEnumerable<IdRow>(grouped.TrainSet, false).Select(r => r.Group).ToHashSet();
        var testGroups = ml.Data.CreateEnumerable<IdRow>(grouped.TestSet, false).Select(r => r.Group).ToHashSet();
        Assert.IsEmpty(trainGroups.Intersect(testGroups), "rows sharing a key land in the same set");
        Assert.IsNotEmpty(testGroups);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Data.TrainTestSplit(data, samplingKeyColumnName: "Nope"));
        StringAssert.Contains(e.Message, "'Nope'");
    }

    [TestMethod]
    public void ShuffleTakeSkipAndFilter()
    {
        var ml = new MLContext(seed: 5);
        var streaming = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 100).Select(i => new IdRow { Id = i }));
        Assert.IsFalse(streaming.CanShuffle);
        var shuffled = ml.Data.ShuffleRows(streaming, seed: 2, shufflePoolSize: 10);
        var once = Ids(ml, shuffled);
        CollectionAssert.AreEqual(once, Ids(ml, shuffled), "a shuffled view reads the same way every time");
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 100).ToList(), once);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 100).ToList(), once);
        CollectionAssert.AreNotEqual(once, Ids(ml, ml.Data.ShuffleRows(streaming, seed: 3, shufflePoolSize: 10)));

        var list = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 100).Select(i => new IdRow { Id = i }).ToList());
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 100).ToList(), Ids(ml, ml.Data.ShuffleRows(list, seed: 2, shufflePoolSize: 0)));

        Assert.AreEqual(10L, ml.Data.TakeRows(list, 10).GetRowCount());
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).ToList(), Ids(ml, ml.Data.TakeRows(list, 10)));
        Assert.AreEqual(5L, ml.Data.SkipRows(list, 95).GetRowCount());
        CollectionAssert.AreEqual(Enumerable.Range(95, 5).ToList(), Ids(ml, ml.Data.SkipRows(list, 95)));
        CollectionAssert.AreEqual(Enumerable.Range(20, 5).ToList(), Ids(ml, ml.Data.TakeRows(ml.Data.SkipRows(streaming, 20), 5)));
        Assert.AreEqual(0L, ml.Data.SkipRows(list, 500).GetRowCount());

        CollectionAssert.AreEqual(Enumerable.Range(10, 10).ToList(), Ids(ml, ml.Data.FilterRowsByColumn(list, "Score", 10, 20)));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Data.FilterRowsByColumn(list, "Name"));
        StringAssert.Contains(e.Message, "'Name'");
    }

    private static List<int> Ids(MLContext ml, IDataView view) => [.. ml.Data.CreateEnumerable<IdRow>(view, reuseRowObject: true).Select(r => r.Id)];

    private sealed class TextRow
    {
        [LoadColumn(0)]
        public float Label { get; set; }

        [LoadColumn(1)]
        public string Name { get; set; } = string.Empty;

        [LoadColumn(2, 4)]
        public float[] Features { get; set; } = [];

        [LoadColumn(5)]
        public bool Flag { get; set; }

        [LoadColumn(6)]
        public int Count { get; set; }
    }

    private sealed class NoLoadColumn
    {
        public float Label { get; set; }
    }

    private sealed class IdRow
    {
        public int Id { get; set; }

        public int Group { get; set; }

        public double Score => Id;

        public string Name => "n";
    }
}
