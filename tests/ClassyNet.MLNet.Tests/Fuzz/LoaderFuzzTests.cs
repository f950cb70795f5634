using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Tests.Data;
using ClassyNet.MLNet.Tests.Pipeline;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Fuzz;

/// <summary>
/// 1,000 mutated inputs into each data loader (IDX plain and gzipped, CIFAR-10 binary, SVHN MAT-file), every row read:
/// no crash, no hang, no allocation over 100 MB, every failure an <see cref="InvalidDataException"/> naming the file.
/// </summary>
[TestClass]
public sealed class LoaderFuzzTests
{
    private const int Attempts = 1000;
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(120);

    [TestMethod]
    public void MutatedIdxFilesLoadOrFailNamingTheFile()
    {
        using var dir = new TempDirectory();
        var random = new Random(11);
        var pixels = new byte[20 * 4 * 4];
        random.NextBytes(pixels);
        var images = IdxFileTests.Idx([20, 4, 4], pixels);
        var labels = IdxFileTests.Idx([20], [.. Enumerable.Range(0, 20).Select(i => (byte)(i % 10))]);
        var ml = new MLContext(seed: 1);
        int failed = Mutator.Run(Attempts, TimeLimit, i =>
        {
            bool gz = i % 2 == 1, mutateImages = i % 4 < 2;
            string imagesPath = dir.File($"images-{i}.idx{(gz ? ".gz" : string.Empty)}"), labelsPath = dir.File($"labels-{i}.idx{(gz ? ".gz" : string.Empty)}");
            var image = mutateImages ? Mutator.Mutate(gz ? Gzip(images) : images, random) : gz ? Gzip(images) : images;
            var label = mutateImages ? (gz ? Gzip(labels) : labels) : Mutator.Mutate(gz ? Gzip(labels) : labels, random);
            File.WriteAllBytes(imagesPath, image);
            File.WriteAllBytes(labelsPath, label);
            return (mutateImages ? imagesPath : labelsPath, () =>
            {
                try
                {
                    ReadAll(ml.Data.LoadIdx(imagesPath, labelsPath));
                }
                finally
                {
                    File.Delete(imagesPath);
                    File.Delete(labelsPath);
                }
            });
        });
        Assert.IsGreaterThan(Attempts / 2, failed, "most mutations must be caught");
    }

    [TestMethod]
    public void MutatedCifar10BatchesLoadOrFailNamingTheFile()
    {
        using var dir = new TempDirectory();
        var random = new Random(12);
        var batch = new byte[5 * Cifar10.RecordSize];
        random.NextBytes(batch);
        for (int r = 0; r < 5; r++)
        {
            batch[r * Cifar10.RecordSize] = (byte)r;
        }

        var ml = new MLContext(seed: 1);
        int failed = Mutator.Run(Attempts, TimeLimit, i =>
        {
            string folder = Directory.CreateDirectory(Path.Combine(dir.Path, $"c{i}")).FullName;
            string path = Path.Combine(folder, "test_batch.bin");
            File.WriteAllBytes(path, Mutator.Mutate(batch, random));
            return (path, () =>
            {
                try
                {
                    ReadAll(ml.Data.LoadCifar10(folder, Cifar10Split.Test));
                }
                finally
                {
                    Directory.Delete(folder, recursive: true);
                }
            });
        });
        Assert.IsGreaterThan(Attempts / 4, failed, "size and label damage must be caught (the format has no header or checksum, so changed pixels load)");
    }

    [TestMethod]
    public void MutatedSvhnMatFilesLoadOrFailNamingTheFile()
    {
        using var dir = new TempDirectory();
        var random = new Random(13);
        var x = new byte[3072 * 2];
        random.NextBytes(x);
        var xElement = MatV5Writer.Matrix("X", MatV5Writer.UInt8Class, [32, 32, 3, 2], MatV5Writer.MiUInt8, x);
        var yElement = MatV5Writer.Matrix("y", MatV5Writer.DoubleClass, [2, 1], MatV5Writer.MiDouble, MatV5Writer.Doubles(10, 3));
        byte[][] originals = [MatV5Writer.File(xElement, yElement), MatV5Writer.File(MatV5Writer.Compressed(xElement), MatV5Writer.Compressed(yElement))];
        var ml = new MLContext(seed: 1);
        int failed = Mutator.Run(Attempts, TimeLimit, i =>
        {
            string path = dir.File($"svhn-{i}.mat");
            File.WriteAllBytes(path, Mutator.Mutate(originals[i % 2], random));
            return (path, () =>
            {
                try
                {
                    ReadAll(ml.Data.LoadSvhn(path));
                }
                finally
                {
                    File.Delete(path);
                }
            });
        });
        Assert.IsGreaterThan(Attempts / 2, failed, "most mutations must be caught");
    }

    private static void ReadAll(IDataView data) => ColumnValues.Read(data, "Label", "Features");

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }
}
