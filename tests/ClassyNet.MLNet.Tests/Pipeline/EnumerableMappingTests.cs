using ClassyNet.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class EnumerableMappingTests
{
    [TestMethod]
    public void LoadFromEnumerableMapsMembersToTypedColumns()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(3));
        var schema = data.Schema;
        Assert.AreEqual(NumberDataViewType.Single, schema["Label"].Type);
        Assert.AreEqual(NumberDataViewType.Double, schema["Weight"].Type);
        Assert.AreEqual(NumberDataViewType.Int32, schema["Count"].Type);
        Assert.AreEqual(NumberDataViewType.Int64, schema["Big"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, schema["Flag"].Type);
        Assert.AreEqual(TextDataViewType.Instance, schema["Text"].Type);
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 4), schema["Class"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1, 2, 2), schema["Features"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single), schema["Extra"].Type);
        Assert.IsNull(schema.GetColumnOrNull("Ignored"));
        Assert.IsNull(schema.GetColumnOrNull("Renamed"), "ColumnName renames the member");
        Assert.AreEqual(3L, data.GetRowCount());
        Assert.IsTrue(data.CanShuffle);

        using var cursor = data.GetRowCursor(data.Schema);
        var features = cursor.GetGetter<VBuffer<float>>(schema["Features"]);
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(schema["Text"]);
        VBuffer<float> f = default;
        ReadOnlyMemory<char> t = default;
        Assert.IsTrue(cursor.MoveNext());
        Assert.IsTrue(cursor.MoveNext());
        features(ref f);
        text(ref t);
        Assert.AreEqual(1L, cursor.Position);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f }, f.DenseValues().ToArray());
        Assert.AreEqual("row 1", t.ToString());
        var wrong = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<int>(schema["Label"]));
        StringAssert.Contains(wrong.Message, "'Label'");
        StringAssert.Contains(wrong.Message, "Single");
        StringAssert.Contains(wrong.Message, "Int32");
    }

    [TestMethod]
    public void CreateEnumerableRoundTripsAndReusesRowObjectOnRequest()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(4);
        var data = ml.Data.LoadFromEnumerable(rows);
        var back = ml.Data.CreateEnumerable<Row>(data, reuseRowObject: false).ToList();
        Assert.HasCount(4, back);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(rows[i].Label, back[i].Label);
            Assert.AreEqual(rows[i].Weight, back[i].Weight);
            Assert.AreEqual(rows[i].Text, back[i].Text);
            Assert.AreEqual(rows[i].Class, back[i].Class);
            Assert.AreEqual(rows[i].Flag, back[i].Flag);
            CollectionAssert.AreEqual(rows[i].Features, back[i].Features);
            CollectionAssert.AreEqual(rows[i].Extra.DenseValues().ToArray(), back[i].Extra.DenseValues().ToArray());
            Assert.AreNotSame(rows[i].Features, back[i].Features);
        }

        var reused = ml.Data.CreateEnumerable<Row>(data, reuseRowObject: true).ToList();
        Assert.AreSame(reused[0], reused[3]);

        var partial = ml.Data.CreateEnumerable<LabelOnly>(data, reuseRowObject: false).Select(r => r.Label).ToArray();
        CollectionAssert.AreEqual(rows.Select(r => r.Label).ToArray(), partial);
        var missing = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Data.CreateEnumerable<WithMissing>(data, reuseRowObject: false));
        StringAssert.Contains(missing.Message, "'Absent'");
        Assert.HasCount(4, ml.Data.CreateEnumerable<WithMissing>(data, reuseRowObject: false, ignoreMissingColumns: true).ToList());
        var mistyped = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Data.CreateEnumerable<Mistyped>(data, reuseRowObject: false));
        StringAssert.Contains(mistyped.Message, "'Label'");
    }

    [TestMethod]
    public void WrongVectorSizeNamesTheColumn()
    {
        var ml = new MLContext();
        var rows = Rows(2);
        rows[1].Features = [1f, 2f];
        var data = ml.Data.LoadFromEnumerable(rows);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Data.CreateEnumerable<Row>(data, reuseRowObject: false).ToList());
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "4");
    }

    [TestMethod]
    public void ShuffledCursorsAreRepeatableForASeedAndStreamingSourcesAreLazy()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(20));
        float[] Order(int seed)
        {
            using var cursor = data.GetRowCursor([data.Schema["Label"]], new Random(seed));
            var getter = cursor.GetGetter<float>(data.Schema["Label"]);
            var result = new List<float>();
            while (cursor.MoveNext())
            {
                float v = 0;
                getter(ref v);
                result.Add(v);
            }

            return [.. result];
        }

        CollectionAssert.AreEqual(Order(3), Order(3));
        CollectionAssert.AreNotEqual(Order(3), Order(4));
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), Order(3));

        var infinite = ml.Data.LoadFromEnumerable(Infinite());
        Assert.IsNull(infinite.GetRowCount());
        Assert.IsFalse(infinite.CanShuffle);
        using var c = infinite.GetRowCursor(infinite.Schema);
        for (int i = 0; i < 5; i++)
        {
            Assert.IsTrue(c.MoveNext());
        }
    }

    internal static List<Row> Rows(int count) => [.. Enumerable.Range(0, count).Select(i => new Row
    {
        Label = i,
        Weight = i * 0.5,
        Count = -i,
        Big = 1L << 40,
        Flag = i % 2 == 0,
        Text = $"row {i}",
        Class = (uint)(i % 4) + 1,
        Features = [i, i + 1, i + 2, i + 3],
        Extra = new VBuffer<float>(i + 1, [.. Enumerable.Repeat(0.25f, i + 1)]),
        Hidden = 7,
    })];

    private static IEnumerable<Row> Infinite()
    {
        for (int i = 0; ; i++)
        {
            yield return Rows(1)[0];
        }
    }

    internal sealed class Row
    {
        public float Label { get; set; }

        public double Weight;

        public int Count { get; set; }

        public long Big { get; set; }

        public bool Flag { get; set; }

        public string Text { get; set; } = string.Empty;

        [KeyType(4)]
        public uint Class { get; set; }

        [VectorType(1, 2, 2)]
        public float[] Features { get; set; } = [];

        public VBuffer<float> Extra { get; set; }

        [ColumnName("Other")]
        public int Renamed { get; set; }

        [NoColumn]
        public int Hidden { get; set; }

        [NoColumn]
        public int Ignored => 1;
    }

    private sealed class LabelOnly
    {
        public float Label { get; set; }
    }

    private sealed class WithMissing
    {
        public float Label { get; set; }

        public float Absent { get; set; }
    }

    private sealed class Mistyped
    {
        public int Label { get; set; }
    }
}
