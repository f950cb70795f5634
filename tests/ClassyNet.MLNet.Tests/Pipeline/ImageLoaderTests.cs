using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Tests.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class ImageLoaderTests
{
    [TestMethod]
    public void LoadIdxGivesLabelAndChwFeaturesScaledAndShuffles()
    {
        using var dir = new TempDirectory();
        var pixels = Enumerable.Range(0, 3 * 2 * 2).Select(i => (byte)(i * 20)).ToArray();
        File.WriteAllBytes(dir.File("images"), IdxFileTests.Idx([3, 2, 2], pixels));
        File.WriteAllBytes(dir.File("labels"), IdxFileTests.Idx([3], [7, 0, 9]));
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadIdx(dir.File("images"), dir.File("labels"));
        Assert.AreEqual(3L, data.GetRowCount());
        Assert.IsTrue(data.CanShuffle);
        Assert.AreEqual(NumberDataViewType.Single, data.Schema["Label"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1, 2, 2), data.Schema["Features"].Type);
        var rows = ml.Data.CreateEnumerable<ImageRow>(data, reuseRowObject: false).ToArray();
        CollectionAssert.AreEqual(new[] { 7f, 0f, 9f }, rows.Select(r => r.Label).ToArray());
        CollectionAssert.AreEqual(new[] { 80 / 255f, 100 / 255f, 120 / 255f, 140 / 255f }, rows[1].Features);
        var shuffled = ml.Data.CreateEnumerable<ImageRow>(ml.Data.ShuffleRows(data, seed: 4), false).Select(r => r.Label).ToArray();
        CollectionAssert.AreEquivalent(new[] { 7f, 0f, 9f }, shuffled);

        File.WriteAllBytes(dir.File("few"), IdxFileTests.Idx([2], [1, 2]));
        var count = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.LoadIdx(dir.File("images"), dir.File("few")));
        StringAssert.Contains(count.Message, "3 images");
        File.WriteAllBytes(dir.File("magic"), [1, 2, 8, 1, 0, 0, 0, 0]);
        var magic = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.LoadIdx(dir.File("magic"), dir.File("labels")));
        StringAssert.Contains(magic.Message, "magic");
    }

    [TestMethod]
    public void LoadCifar10StreamsRecordsAndMatchesTheTensorLoader()
    {
        using var dir = new TempDirectory();
        var random = new Random(3);
        foreach (var (file, count) in new[] { ("data_batch_1.bin", 3), ("data_batch_2.bin", 0), ("data_batch_3.bin", 2), ("data_batch_4.bin", 1), ("data_batch_5.bin", 1), ("test_batch.bin", 2) })
        {
            var bytes = new byte[count * Cifar10.RecordSize];
            random.NextBytes(bytes);
            for (int r = 0; r < count; r++)
            {
                bytes[r * Cifar10.RecordSize] = (byte)random.Next(10);
            }

            File.WriteAllBytes(dir.File(file), bytes);
        }

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadCifar10(dir.Path, Cifar10Split.Train);
        Assert.AreEqual(7L, data.GetRowCount());
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3, 32, 32), data.Schema["Features"].Type);
        var expected = Cifar10.Load(dir.Path, Cifar10Split.Train);
        var rows = ml.Data.CreateEnumerable<ImageRow>(data, reuseRowObject: false).ToArray();
        CollectionAssert.AreEqual(expected.Labels.Select(l => (float)l).ToArray(), rows.Select(r => r.Label).ToArray());
        CollectionAssert.AreEqual(expected.Features, rows.SelectMany(r => r.Features).ToArray());

        var shuffled = ml.Data.CreateEnumerable<ImageRow>(ml.Data.ShuffleRows(data, seed: 9), false).ToArray();
        CollectionAssert.AreEquivalent(rows.Select(r => string.Join(",", r.Features)).ToArray(), shuffled.Select(r => string.Join(",", r.Features)).ToArray(), "random access over several batch files");

        File.WriteAllBytes(dir.File("test_batch.bin"), new byte[Cifar10.RecordSize + 5]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.LoadCifar10(dir.Path, Cifar10Split.Test));
        StringAssert.Contains(e.Message, "test_batch.bin");
        var badLabel = new byte[Cifar10.RecordSize];
        badLabel[0] = 12;
        File.WriteAllBytes(dir.File("test_batch.bin"), badLabel);
        var label = Assert.ThrowsExactly<InvalidDataException>(() => ml.Data.CreateEnumerable<ImageRow>(ml.Data.LoadCifar10(dir.Path, Cifar10Split.Test), false).ToList());
        StringAssert.Contains(label.Message, "label 12");
    }

    [TestMethod]
    public void LoadSvhnMatchesTheTensorLoader()
    {
        using var dir = new TempDirectory();
        var random = new Random(2);
        var x = new byte[3072 * 2];
        random.NextBytes(x);
        var file = MatV5Writer.File(
            MatV5Writer.Matrix("X", MatV5Writer.UInt8Class, [32, 32, 3, 2], MatV5Writer.MiUInt8, x),
            MatV5Writer.Matrix("y", MatV5Writer.DoubleClass, [2, 1], MatV5Writer.MiDouble, MatV5Writer.Doubles(10, 3)));
        string path = MatFileTests.Write(dir, file);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadSvhn(path);
        var expected = Svhn.Load(path);
        var rows = ml.Data.CreateEnumerable<ImageRow>(data, reuseRowObject: false).ToArray();
        CollectionAssert.AreEqual(new[] { 0f, 3f }, rows.Select(r => r.Label).ToArray());
        CollectionAssert.AreEqual(expected.Features, rows.SelectMany(r => r.Features).ToArray());
        Assert.ThrowsExactly<FileNotFoundException>(() => ml.Data.LoadSvhn(dir.File("none.mat")));
    }

    [TestMethod]
    public void LoadFashionMnistFromRealData()
    {
        string directory = RealData.FashionMnistDirectory();
        var ml = new MLContext(seed: 1);
        var test = ml.Data.LoadFashionMnist(directory, FashionMnistSplit.Test);
        Assert.AreEqual(10000L, test.GetRowCount());
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 1, 28, 28), test.Schema["Features"].Type);
        var first = ml.Data.CreateEnumerable<ImageRow>(ml.Data.TakeRows(test, 5), reuseRowObject: false).ToArray();
        var expected = FashionMnist.Load(directory, FashionMnistSplit.Test, limit: 5);
        CollectionAssert.AreEqual(expected.Labels.Select(l => (float)l).ToArray(), first.Select(r => r.Label).ToArray());
        CollectionAssert.AreEqual(expected.Features, first.SelectMany(r => r.Features).ToArray());
    }

    private sealed class ImageRow
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
