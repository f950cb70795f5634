using System.IO.Compression;
using ClassyNet.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Data;

[TestClass]
public sealed class IdxFileTests
{
    [TestMethod]
    public void ReadsPlainAndGzippedFiles()
    {
        using var dir = new TempDirectory();
        var bytes = Idx([2, 2, 3], Enumerable.Range(0, 12).Select(i => (byte)i).ToArray());
        File.WriteAllBytes(dir.File("a-idx3-ubyte"), bytes);
        using (var gz = new GZipStream(File.Create(dir.File("a-idx3-ubyte.gz")), CompressionLevel.Fastest))
        {
            gz.Write(bytes);
        }

        foreach (var name in new[] { "a-idx3-ubyte", "a-idx3-ubyte.gz" })
        {
            var idx = IdxFile.Read(dir.File(name));
            CollectionAssert.AreEqual(new[] { 2, 2, 3 }, idx.Dimensions.ToArray());
            Assert.AreEqual(2, idx.Count);
            Assert.AreEqual(6, idx.ItemSize);
            Assert.AreEqual((byte)11, idx.Data[11]);
        }
    }

    [TestMethod]
    public void CorruptFilesGiveClearErrors()
    {
        using var dir = new TempDirectory();
        Expect(dir, [0, 0], "shorter than the 4-byte magic");
        Expect(dir, [1, 2, 8, 1, 0, 0, 0, 1, 5], "magic number 0x01020801");
        Expect(dir, [0, 0, 0x0D, 1, 0, 0, 0, 1, 5], "type code 0x0D");
        Expect(dir, [0, 0, 8, 3, 0, 0, 0, 2], "ends inside the size of dimension 1");
        Expect(dir, Idx([4, 2], [1, 2, 3]), "truncated: dimensions [4, 2] need 8 data bytes but only 3");
        Expect(dir, Idx([1, 2], [1, 2, 3]), "beyond the 2 bytes");
        File.WriteAllBytes(dir.File("bad.gz"), [1, 2, 3, 4, 5]);
        Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.Read(dir.File("bad.gz")));
        Assert.ThrowsExactly<FileNotFoundException>(() => IdxFile.Read(dir.File("missing")));
    }

    [TestMethod]
    public void FashionMnistLoaderChecksItsDirectory()
    {
        var e = Assert.ThrowsExactly<DirectoryNotFoundException>(() => FashionMnist.Load("/nonexistent/fmnist", FashionMnistSplit.Test));
        StringAssert.Contains(e.Message, "apt-get install dataset-fashion-mnist");
    }

    [TestMethod]
    public void LoadsRealFashionMnist()
    {
        var test = FashionMnist.Load(RealData.FashionMnistDirectory(), FashionMnistSplit.Test);
        Assert.AreEqual(10_000, test.Count);
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, test.SampleShape);
        Assert.AreEqual(1000, test.Labels.Count(l => l == 9), "the test set has 1000 images per class");
        Assert.IsTrue(test.Features.All(v => v >= 0 && v <= 1));
        Assert.AreEqual(9, test.Labels[0], "the first test image is an ankle boot");
        Assert.AreEqual(100, FashionMnist.Load(FashionMnist.DefaultDirectory, FashionMnistSplit.Train, limit: 100).Count);
    }

    internal static byte[] Idx(int[] dims, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, 8, (byte)dims.Length };
        foreach (int d in dims)
        {
            bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        }

        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static void Expect(TempDirectory dir, byte[] content, string fragment)
    {
        string path = dir.File(Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => IdxFile.Read(path));
        StringAssert.Contains(e.Message, fragment);
    }
}
