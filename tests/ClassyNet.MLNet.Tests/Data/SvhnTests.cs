using ClassyNet.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static ClassyNet.MLNet.Tests.Data.MatV5Writer;

namespace ClassyNet.MLNet.Tests.Data;

[TestClass]
public sealed class SvhnTests
{
    [TestMethod]
    public void LoadsColumnMajorImagesAsChannelRowMajorAndMapsLabelTenToZero()
    {
        using var dir = new TempDirectory();
        var x = Matrix("X", UInt8Class, [32, 32, 3, 3], MiUInt8, Pixels(3));
        var ySmall = Matrix("y", DoubleClass, [3, 1], MiUInt8, [1, 10, 5]);
        var yDouble = Matrix("y", DoubleClass, [3, 1], MiDouble, Doubles(1, 10, 5));
        string plain = MatFileTests.Write(dir, File(x, ySmall));
        string packed = MatFileTests.Write(dir, File(Compressed(x), Compressed(yDouble)));

        foreach (var path in new[] { plain, packed })
        {
            var data = Svhn.Load(path);
            Assert.AreEqual(3, data.Count);
            CollectionAssert.AreEqual(new[] { 3, 32, 32 }, data.SampleShape);
            CollectionAssert.AreEqual(new[] { 1, 0, 5 }, data.Labels, "label 10 is the digit 0");
            for (int n = 0; n < 3; n++)
            {
                for (int c = 0; c < 3; c++)
                {
                    for (int h = 0; h < 32; h++)
                    {
                        for (int w = 0; w < 32; w++)
                        {
                            Assert.AreEqual(Pixel(h, w, c, n) / 255f, data.Features[(n * 3072) + (c * 1024) + (h * 32) + w], $"sample {n} channel {c} row {h} column {w}");
                        }
                    }
                }
            }

            Assert.AreEqual(1f, data.Features.Max());
            Assert.AreEqual(0f, data.Features.Min());
            CollectionAssert.AreEqual(new[] { 1, 0 }, Svhn.Load(path, limit: 2).Labels);
        }

        Assert.AreEqual("0", Svhn.ClassNames[0]);
        Assert.HasCount(10, Svhn.ClassNames);
    }

    [TestMethod]
    public void AcceptsASingleImageWithoutTrailingDimensionAndDoublePixels()
    {
        using var dir = new TempDirectory();
        var pixels = Pixels(1);
        var x = Matrix("X", DoubleClass, [32, 32, 3], MiUInt8, pixels);
        var data = Svhn.Load(MatFileTests.Write(dir, File(x, Matrix("y", DoubleClass, [1, 1], MiDouble, Doubles(10)))));
        Assert.AreEqual(1, data.Count);
        Assert.AreEqual(0, data.Labels[0]);
        Assert.AreEqual(Pixel(5, 7, 2, 0) / 255f, data.Features[(2 * 1024) + (5 * 32) + 7], 1e-6f);
    }

    [TestMethod]
    public void BadContentsGiveClearErrors()
    {
        using var dir = new TempDirectory();
        var x = Matrix("X", UInt8Class, [32, 32, 3, 2], MiUInt8, Pixels(2));
        var y = Matrix("y", DoubleClass, [2, 1], MiDouble, Doubles(3, 4));
        Expect(dir, File(y), "no variable 'X'", "y: Double [2, 1]");
        Expect(dir, File(x), "no variable 'y'");
        Expect(dir, File(Matrix("X", UInt8Class, [32, 32, 1, 6], MiUInt8, new byte[6144]), y), "X has dimensions [32, 32, 1, 6]", "expected [32, 32, 3, N]");
        Expect(dir, File(Matrix("X", UInt8Class, [32, 96, 2], MiUInt8, new byte[6144]), y), "X has dimensions [32, 96, 2]");
        Expect(dir, File(x, Matrix("y", DoubleClass, [3, 1], MiDouble, Doubles(3, 4, 5))), "y has dimensions [3, 1] (3 labels) but X holds 2 images");
        Expect(dir, File(x, Matrix("y", DoubleClass, [2, 1], MiDouble, Doubles(3, 0))), "y(2) of sample 1 is 0", "1-10");
        Expect(dir, File(x, Matrix("y", DoubleClass, [2, 1], MiDouble, Doubles(11, 1))), "sample 0 is 11");
        Expect(dir, File(x, Matrix("y", DoubleClass, [2, 1], MiDouble, Doubles(2.5, 1))), "is 2.5");
        Expect(dir, File(Matrix("X", DoubleClass, [32, 32, 3, 1], MiInt16, Int16s([.. Enumerable.Repeat((short)300, 3072)])), Matrix("y", DoubleClass, [1, 1], MiDouble, Doubles(1))), "is 300", "0-255");

        var missing = Assert.ThrowsExactly<FileNotFoundException>(() => Svhn.Load(dir.File("train_32x32.mat")));
        StringAssert.Contains(missing.Message, Svhn.DownloadUrl);
        StringAssert.Contains(missing.Message, "train_32x32.mat");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Svhn.Load(dir.File("x.mat"), limit: -1));
    }

    /// <summary>X(h, w, c, n) in column-major order: index h + 32w + 1024c + 3072n.</summary>
    private static byte[] Pixels(int count)
    {
        var bytes = new byte[3072 * count];
        for (int n = 0; n < count; n++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int w = 0; w < 32; w++)
                {
                    for (int h = 0; h < 32; h++)
                    {
                        bytes[h + (32 * w) + (1024 * c) + (3072 * n)] = Pixel(h, w, c, n);
                    }
                }
            }
        }

        return bytes;
    }

    private static byte Pixel(int h, int w, int c, int n) =>
        (h, w, c) == (0, 0, 0) ? (byte)0 : (h, w, c) == (31, 0, 2) ? (byte)255 : (byte)(((h * 3) + (w * 5) + (c * 77) + (n * 11)) % 250);

    private static void Expect(TempDirectory dir, byte[] content, params string[] fragments)
    {
        string path = MatFileTests.Write(dir, content);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Svhn.Load(path));
        StringAssert.Contains(e.Message, path);
        foreach (var fragment in fragments)
        {
            StringAssert.Contains(e.Message, fragment);
        }
    }
}
