using ClassyNet.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static ClassyNet.MLNet.Tests.Data.MatV5Writer;

namespace ClassyNet.MLNet.Tests.Data;

[TestClass]
public sealed class MatFileTests
{
    [TestMethod]
    public void ReadsUncompressedAndCompressedArraysKeepingTheirClass()
    {
        using var dir = new TempDirectory();
        var a = Matrix("a", DoubleClass, [2, 3], MiInt16, Int16s(1, -2, 3, -4, 5, 300));
        var b = Matrix("bytes", UInt8Class, [1, 5], MiUInt8, [10, 20, 30, 40, 250], smallElements: false);
        var c = Matrix("c", Int16Class, [1, 2], MiUInt8, [7, 200]);
        var logical = Matrix("flag", UInt8Class, [1, 1], MiUInt8, [1], flagBits: 0x02);
        var empty = Element(MiMatrix, [], allowSmall: false);
        var d = Matrix("longer_name", DoubleClass, [1, 1], MiDouble, Doubles(2.5));
        string plain = dir.File("plain.mat"), packed = dir.File("packed.mat");
        System.IO.File.WriteAllBytes(plain, File(a, b, c, logical, empty, d));
        System.IO.File.WriteAllBytes(packed, File(Compressed(a), Compressed(b), c, Compressed(logical), Compressed(d)));

        foreach (var path in new[] { plain, packed })
        {
            var mat = MatFile.Read(path);
            StringAssert.StartsWith(mat.HeaderText, "MATLAB 5.0 MAT-file");
            CollectionAssert.AreEqual(new[] { "a", "bytes", "c", "flag", "longer_name" }, mat.Arrays.Select(x => x.Name).ToArray());

            Assert.AreEqual(MatClass.Double, mat["a"].Class);
            CollectionAssert.AreEqual(new[] { 2, 3 }, mat["a"].Dimensions.ToArray());
            CollectionAssert.AreEqual(new double[] { 1, -2, 3, -4, 5, 300 }, mat["a"].GetValues<double>(), "int16 storage widened to the double class");
            Assert.AreEqual(-4.0, mat["a"].GetDouble(3));

            Assert.AreEqual(MatClass.UInt8, mat["bytes"].Class);
            CollectionAssert.AreEqual(new byte[] { 10, 20, 30, 40, 250 }, mat["bytes"].GetValues<byte>());
            CollectionAssert.AreEqual(new double[] { 10, 20, 30, 40, 250 }, mat["bytes"].ToDoubleArray());

            CollectionAssert.AreEqual(new short[] { 7, 200 }, mat["c"].GetValues<short>());
            Assert.IsTrue(mat["flag"].IsLogical);
            Assert.IsFalse(mat["c"].IsLogical);
            Assert.AreEqual(2.5, mat["longer_name"].GetDouble(0));
            Assert.AreEqual(5, mat["bytes"].Count);

            var wrongType = Assert.ThrowsExactly<InvalidOperationException>(() => mat["bytes"].GetValues<double>());
            StringAssert.Contains(wrongType.Message, "UInt8");
            var missing = Assert.ThrowsExactly<KeyNotFoundException>(() => mat["nope"]);
            StringAssert.Contains(missing.Message, "longer_name");
            StringAssert.Contains(missing.Message, path);
            Assert.AreEqual(path, mat.Source);
            Assert.IsFalse(mat.TryGetArray("nope", out _));
        }
    }

    [TestMethod]
    public void BadHeadersGiveClearErrors()
    {
        using var dir = new TempDirectory();
        Expect(dir, new byte[100], "100 bytes, fewer than the 128-byte");
        Expect(dir, Header("MI"), "big-endian");
        Expect(dir, Header("XY"), "not the endian indicator 'IM'");
        Expect(dir, Header(version: 0x0200), "0x0200");
        Expect(dir, Header(version: 0x0200), "v7.3");
        Expect(dir, [.. Header(), 1, 2, 3], "3 bytes at offset 128");
        Expect(dir, File(Element(MiDouble, Doubles(1), allowSmall: false)), "top-level element 0 at byte offset 128 has data type miDOUBLE (9)");
        Assert.ThrowsExactly<FileNotFoundException>(() => MatFile.Read(dir.File("missing.mat")));
    }

    [TestMethod]
    public void TruncatedAndInconsistentElementsNameTheVariableAndByteCounts()
    {
        using var dir = new TempDirectory();
        var x = Matrix("X", UInt8Class, [4, 4], MiUInt8, new byte[16]);
        Expect(dir, File(x)[..^10], "variable 'X'", "real part", "declares 16 bytes but only 6 remain", "truncated");
        Expect(dir, File(x)[..^30], "array name");
        Expect(dir, File(Matrix("X", UInt8Class, [4, 5], MiUInt8, new byte[16])), "variable 'X'", "holds 16 bytes of miUINT8 (2) but dimensions [4, 5] need 20 values (20 bytes)");
        Expect(dir, File(Matrix("X", DoubleClass, [3, 1], MiDouble, Doubles(1, 2))), "holds 16 bytes of miDOUBLE (9) but dimensions [3, 1] need 3 values (24 bytes)");
        Expect(dir, File(Matrix("X", UInt8Class, [1, -2], MiUInt8, [1, 2])), "dimension 1", "negative (-2)");

        // Lying sizes must fail before any allocation: a 2-billion-element array declared in a tiny file.
        var huge = Matrix("big", UInt8Class, [50000, 40000], MiUInt8, new byte[8]);
        BitConverter.GetBytes(2_000_000_000u).CopyTo(huge, huge.Length - 12);
        Expect(dir, File(huge), "real part", "'big'", "declares 2000000000 bytes but only 8 remain");
        var lyingMatrix = Matrix("m", UInt8Class, [1, 1], MiUInt8, [1]);
        BitConverter.GetBytes(int.MaxValue).CopyTo(lyingMatrix, 4);
        Expect(dir, File(lyingMatrix), "variable 'm'", $"declares {int.MaxValue} bytes but only 48 follow its tag");
    }

    [TestMethod]
    public void UnsupportedClassesAndComplexArraysAreNamed()
    {
        using var dir = new TempDirectory();
        Expect(dir, File(Matrix("cells", CellClass, [1, 1], MiUInt8, [0])), "variable 'cells'", "mxCELL_CLASS (1)");
        Expect(dir, File(Compressed(Matrix("s", 4, [1, 1], MiUInt8, [0]))), "variable 's'", "mxCHAR_CLASS (4)");
        Expect(dir, File(Matrix("z", DoubleClass, [1, 1], MiDouble, Doubles(1), flagBits: 0x08)), "variable 'z'", "complex");
        Expect(dir, File(Matrix("t", DoubleClass, [1, 1], 18, [0, 0, 0, 0])), "variable 't'", "miUTF32 (18)");
        Expect(dir, File(Matrix("o", UInt8Class, [1, 1], MiInt16, Int16s(-1))), "variable 'o'", "cannot hold");
    }

    [TestMethod]
    public void CorruptCompressedStreamsGiveClearErrors()
    {
        using var dir = new TempDirectory();
        Expect(dir, File(Tagged(MiCompressed, [1, 2, 3, 4, 5, 6, 7, 8, 9])), "zlib stream (9 bytes) of top-level element 0", "corrupt");

        var good = Compressed(Matrix("X", UInt8Class, [8, 8], MiUInt8, Enumerable.Range(0, 64).Select(i => (byte)(i * 37)).ToArray()));
        var flipped = (byte[])good.Clone();
        flipped[20] ^= 0xFF;
        flipped[21] ^= 0x5A;
        Assert.ThrowsExactly<InvalidDataException>(() => MatFile.Read(Write(dir, File(flipped))));

        Expect(dir, File(good)[..^4], "miCOMPRESSED", "compressed bytes but only");

        // A compressed stream whose inner miMATRIX claims far more than the stream decompresses to.
        var inner = Matrix("X", UInt8Class, [2, 2], MiUInt8, [1, 2, 3, 4]);
        BitConverter.GetBytes(1_000_000_000).CopyTo(inner, 4);
        Expect(dir, File(Compressed(inner)), "variable 'X'", "declares 1000000000 bytes", "the data is truncated");

        var cutInside = Compressed(Matrix("X", UInt8Class, [16, 16], MiUInt8, Enumerable.Range(0, 256).Select(i => (byte)((i * 7919) % 251)).ToArray()));
        var cut = MatV5Writer.Tagged(MiCompressed, cutInside[8..^40]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => MatFile.Read(Write(dir, File(cut))));
        StringAssert.Contains(e.Message, "of top-level element 0");
    }

    [TestMethod]
    public void StreamOverloadNeedsSeeking()
    {
        using var dir = new TempDirectory();
        var bytes = File(Compressed(Matrix("v", DoubleClass, [1, 2], MiDouble, Doubles(1, 2))));
        using var memory = new MemoryStream(bytes);
        Assert.AreEqual(2.0, MatFile.Read(memory, "memory")["v"].GetDouble(1));
        using var compressed = new System.IO.Compression.GZipStream(new MemoryStream(), System.IO.Compression.CompressionMode.Decompress);
        Assert.ThrowsExactly<ArgumentException>(() => MatFile.Read(compressed, "gz"));
    }

    internal static string Write(TempDirectory dir, byte[] content)
    {
        string path = dir.File(Guid.NewGuid().ToString("N") + ".mat");
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    private static void Expect(TempDirectory dir, byte[] content, params string[] fragments)
    {
        string path = Write(dir, content);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => MatFile.Read(path));
        StringAssert.Contains(e.Message, path);
        foreach (var fragment in fragments)
        {
            StringAssert.Contains(e.Message, fragment);
        }
    }
}
