using ClassyNet.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Data;

[TestClass]
public sealed class Cifar10Tests
{
    [TestMethod]
    public void LoadsBatchesInOrderWithChannelPlanesAndScaling()
    {
        using var dir = new TempDirectory();
        WriteSplits(dir.Path, trainCounts: [2, 1, 1, 1, 1], testCount: 3);

        var train = Cifar10.Load(dir.Path, Cifar10Split.Train);
        Assert.AreEqual(6, train.Count);
        CollectionAssert.AreEqual(new[] { 3, 32, 32 }, train.SampleShape);
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4, 5 }, train.Labels, "records are read from data_batch_1 to data_batch_5 in order");

        var test = Cifar10.Load(dir.Path, Cifar10Split.Test);
        Assert.AreEqual(3, test.Count);
        CollectionAssert.AreEqual(new[] { 7, 8, 9 }, test.Labels);
        for (int s = 0; s < 3; s++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < 32; y++)
                {
                    for (int x = 0; x < 32; x++)
                    {
                        float expected = Pixel(7 + s, c, y, x) / 255f;
                        Assert.AreEqual(expected, test.Features[(s * 3072) + (c * 1024) + (y * 32) + x], $"sample {s} channel {c} ({y}, {x})");
                    }
                }
            }
        }

        Assert.AreEqual(0f, test.Features.Min());
        Assert.AreEqual(1f, test.Features.Max());
        Assert.HasCount(10, Cifar10.ClassNames);
        Assert.AreEqual("airplane", Cifar10.ClassNames[0]);
        Assert.AreEqual("truck", Cifar10.ClassNames[9]);
        Assert.IsTrue(Cifar10.IsAvailable(dir.Path));
    }

    [TestMethod]
    public void LimitStopsAcrossBatchFilesAndSubfolderIsFound()
    {
        using var dir = new TempDirectory();
        string nested = Path.Combine(dir.Path, Cifar10.ArchiveFolder);
        Directory.CreateDirectory(nested);
        WriteSplits(nested, trainCounts: [2, 2, 1, 1, 1], testCount: 1);

        var train = Cifar10.Load(dir.Path, Cifar10Split.Train, limit: 3);
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, train.Labels);
        Assert.AreEqual(Pixel(2, 2, 31, 31) / 255f, train.Features[(2 * 3072) + 3071]);
        Assert.AreEqual(0, Cifar10.Load(nested, Cifar10Split.Test, limit: 0).Count);
        Assert.AreEqual(7, Cifar10.Load(nested, Cifar10Split.Train, limit: 100).Count);
        Assert.IsTrue(Cifar10.IsAvailable(dir.Path));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Cifar10.Load(dir.Path, Cifar10Split.Test, limit: -1));
    }

    [TestMethod]
    public void BadDirectoriesAndFilesGiveClearErrors()
    {
        var missingDir = Assert.ThrowsExactly<DirectoryNotFoundException>(() => Cifar10.Load("/nonexistent/cifar", Cifar10Split.Test));
        StringAssert.Contains(missingDir.Message, "/nonexistent/cifar");
        StringAssert.Contains(missingDir.Message, "binary version");
        StringAssert.Contains(missingDir.Message, Cifar10.DownloadUrl);

        using var dir = new TempDirectory();
        WriteSplits(dir.Path, trainCounts: [1, 1, 1, 1, 1], testCount: 1);
        File.Delete(dir.File("data_batch_4.bin"));
        var missingFile = Assert.ThrowsExactly<FileNotFoundException>(() => Cifar10.Load(dir.Path, Cifar10Split.Train));
        StringAssert.Contains(missingFile.Message, "data_batch_4.bin");
        Assert.IsFalse(Cifar10.IsAvailable(dir.Path));

        File.WriteAllBytes(dir.File("test_batch.bin"), new byte[Cifar10.RecordSize + 5]);
        var size = Assert.ThrowsExactly<InvalidDataException>(() => Cifar10.Load(dir.Path, Cifar10Split.Test));
        StringAssert.Contains(size.Message, "test_batch.bin");
        StringAssert.Contains(size.Message, $"{Cifar10.RecordSize + 5} bytes");
        StringAssert.Contains(size.Message, $"{Cifar10.RecordSize}-byte record");

        var records = Records([3, 4, 10, 5]);
        File.WriteAllBytes(dir.File("test_batch.bin"), records);
        var label = Assert.ThrowsExactly<InvalidDataException>(() => Cifar10.Load(dir.Path, Cifar10Split.Test));
        StringAssert.Contains(label.Message, "record 2");
        StringAssert.Contains(label.Message, "label 10");
        Assert.AreEqual(2, Cifar10.Load(dir.Path, Cifar10Split.Test, limit: 2).Count, "a limit reads only the records it needs");
        Assert.ThrowsExactly<ArgumentException>(() => Cifar10.Load(string.Empty, Cifar10Split.Test));
    }

    private static void WriteSplits(string directory, int[] trainCounts, int testCount)
    {
        int label = 0;
        for (int b = 0; b < 5; b++)
        {
            File.WriteAllBytes(Path.Combine(directory, $"data_batch_{b + 1}.bin"), Records(Enumerable.Range(label, trainCounts[b]).Select(l => l % 10).ToArray()));
            label += trainCounts[b];
        }

        File.WriteAllBytes(Path.Combine(directory, "test_batch.bin"), Records(Enumerable.Range(7, testCount).Select(l => l % 10).ToArray()));
    }

    /// <summary>Records whose pixel bytes are a function of the label, channel and position (<see cref="Pixel"/>).</summary>
    private static byte[] Records(int[] labels)
    {
        var bytes = new byte[labels.Length * Cifar10.RecordSize];
        for (int r = 0; r < labels.Length; r++)
        {
            int o = r * Cifar10.RecordSize;
            bytes[o] = (byte)labels[r];
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < 32; y++)
                {
                    for (int x = 0; x < 32; x++)
                    {
                        bytes[o + 1 + (c * 1024) + (y * 32) + x] = Pixel(labels[r], c, y, x);
                    }
                }
            }
        }

        return bytes;
    }

    private static byte Pixel(int label, int c, int y, int x) =>
        (y, x) == (0, 0) ? (byte)0 : (y, x) == (31, 31) && c == 2 ? (byte)255 : (byte)(((label * 31) + (c * 50) + (y * 7) + x) % 251);
}
