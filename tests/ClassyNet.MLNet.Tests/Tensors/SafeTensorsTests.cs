using System.Buffers.Binary;
using System.Text;
using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Serialization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class SafeTensorsTests
{
    private string _dir = null!;

    [TestInitialize]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "classynet-safetensors-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>A file made of an 8-byte little-endian header length, the header text and the data bytes.</summary>
    private string WriteRaw(string header, byte[] data, ulong? declaredLength = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        var path = PathOf(Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Floats(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), values[i]);
        }

        return b;
    }

    private static InvalidDataException AssertCorrupt(string path, params string[] parts)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        AutogradTests.StringAssertContains(e.Message, "not a valid safetensors file");
        foreach (var part in parts)
        {
            AutogradTests.StringAssertContains(e.Message, part);
        }

        return e;
    }

    [TestMethod]
    public void RoundTripKeepsNamesShapesValuesAndMetadata()
    {
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("stem.0.weight", GradCheck.Randn(160, 16, 1, 3, 3)),
            new("bn.num_batches_tracked", Tensor.Scalar(12f)),
            new("exits.2.fc.bias", Tensor.FromArray([float.NaN, float.PositiveInfinity, -0f, float.Epsilon, -1.5f], 5)),
            new("empty", Tensor.Zeros(0, 3)),
            new("big", GradCheck.Randn(161, 70, 300)),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\"" };
        var path = PathOf("model.safetensors");
        SafeTensors.Save(tensors, path, metadata);
        CollectionAssert.AreEqual(new[] { "model.safetensors" }, Directory.GetFiles(_dir).Select(Path.GetFileName).ToList(), "no temporary file left behind");

        var loaded = SafeTensors.Load(path);
        CollectionAssert.AreEquivalent(tensors.Select(t => t.Key).ToList(), loaded.Tensors.Keys.ToList());
        foreach (var (name, t) in tensors)
        {
            var l = loaded.Tensors[name];
            CollectionAssert.AreEqual(t.Shape.ToArray(), l.Shape.ToArray(), name);
            var expected = t.ToArray();
            var actual = l.ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]), $"{name}[{i}]");
            }
        }

        CollectionAssert.AreEquivalent(metadata.ToList(), loaded.Metadata.ToList());

        // Overwriting an existing file also goes through a temporary file and leaves only the target.
        SafeTensors.Save([new("x", Tensor.Ones(2))], path);
        CollectionAssert.AreEqual(new[] { "model.safetensors" }, Directory.GetFiles(_dir).Select(Path.GetFileName).ToList());
        Assert.AreEqual(1, SafeTensors.Load(path).Tensors.Count);
        Assert.AreEqual(0, SafeTensors.Load(path).Metadata.Count);
    }

    [TestMethod]
    public void FileLayoutFollowsTheFormat()
    {
        var path = PathOf("layout.safetensors");
        SafeTensors.Save([new("a", Tensor.FromArray([1f, 2f], 2)), new("b", Tensor.FromArray([3f], 1))], path);
        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.AreEqual(0UL, n % 8, "header padded to a multiple of 8");
        Assert.AreEqual(8 + (long)n + 12, bytes.Length);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        AutogradTests.StringAssertContains(header, "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}");
        AutogradTests.StringAssertContains(header, "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}");
        Assert.AreEqual(3f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)n + 8)));
    }

    [TestMethod]
    public void ReadsOtherDtypesAsFloat()
    {
        var data = new byte[8 + 2 + 4];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 2.5);
        BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(8), (Half)(-0.75f));
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(10), -7);
        var path = WriteRaw("{\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},\"h\":{\"dtype\":\"F16\",\"shape\":[],\"data_offsets\":[8,10]},\"i\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[10,14]}}", data);
        var f = SafeTensors.Load(path);
        Assert.AreEqual(2.5f, f.Tensors["d"].Item());
        Assert.AreEqual(-0.75f, f.Tensors["h"].Item());
        Assert.AreEqual(0, f.Tensors["h"].Rank);
        Assert.AreEqual(-7f, f.Tensors["i"].Item());
    }

    [TestMethod]
    public void MissingFileThrowsFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SafeTensors.Load(PathOf("nope.safetensors")));
        AutogradTests.StringAssertContains(e.Message, "nope.safetensors");
    }

    [TestMethod]
    public void FileShorterThanEightBytes()
    {
        var path = PathOf("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        AssertCorrupt(path, "3 bytes", "8-byte");
        File.WriteAllBytes(path, []);
        AssertCorrupt(path, "0 bytes");
        Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new NonSeekable([1, 2, 3, 4])));
    }

    [TestMethod]
    public void HeaderLengthLargerThanFile() =>
        AssertCorrupt(WriteRaw("{}", [], declaredLength: 100), "100");

    [TestMethod]
    public void HugeHeaderLengthIsRejectedWithoutAllocating()
    {
        AssertCorrupt(WriteRaw("{}", new byte[6], declaredLength: 1UL << 62), "4611686018427387904");
        AssertCorrupt(WriteRaw("{}", new byte[6], declaredLength: ulong.MaxValue));
    }

    [TestMethod]
    public void InvalidJson()
    {
        AssertCorrupt(WriteRaw("{\"a\": {\"dtype\": ", new byte[4]), "JSON");
        AssertCorrupt(WriteRaw("[1, 2]  ", []), "JSON object");
        AssertCorrupt(WriteRaw("{\"__metadata__\": {\"k\": 1}}", []), "metadata");
    }

    [TestMethod]
    public void EntryMissingField()
    {
        var data = Floats(1f, 2f);
        AssertCorrupt(WriteRaw("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", data), "'w'", "dtype");
        AssertCorrupt(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", data), "'w'", "shape");
        AssertCorrupt(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", data), "'w'", "data_offsets");
        AssertCorrupt(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", data), "'w'", "data_offsets");
        AssertCorrupt(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", data), "'w'", "dimension");
        AssertCorrupt(WriteRaw("{\"w\":[1,2]}", data), "'w'");
    }

    [TestMethod]
    public void UnsupportedDtype() =>
        AssertCorrupt(WriteRaw("{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]), "'w'", "C64");

    [TestMethod]
    public void OffsetsOutsideData()
    {
        AssertCorrupt(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", Floats(1f, 2f, 3f, 4f)), "'w'", "[8, 24)", "16-byte");
        AssertCorrupt(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", Floats(1f)), "'w'");
        AssertCorrupt(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", Floats(1f, 2f)), "'w'");
    }

    [TestMethod]
    public void ByteSizeNotMatchingShape() =>
        AssertCorrupt(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", Floats(1f, 2f, 3f)), "'w'", "16 bytes", "12");

    [TestMethod]
    public void OverlappingTensors() =>
        AssertCorrupt(
            WriteRaw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", Floats(1f, 2f, 3f, 4f)),
            "'a'", "'b'", "overlap");

    [TestMethod]
    public void TruncatedDataSection()
    {
        var path = PathOf("full.safetensors");
        SafeTensors.Save([new("w", GradCheck.Randn(162, 10, 10)), new("b", Tensor.Ones(10))], path);
        var bytes = File.ReadAllBytes(path);
        var truncated = PathOf("truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..^4]);
        AssertCorrupt(truncated, "'b'", "outside");
        File.WriteAllBytes(truncated, bytes[..^420]);
        AssertCorrupt(truncated, "outside");
    }

    [TestMethod]
    public void SaveRejectsBadNamesAndLeavesNoFile()
    {
        var path = PathOf("bad.safetensors");
        Assert.Throws<ArgumentException>(() => SafeTensors.Save([new("x", Tensor.Ones(1)), new("x", Tensor.Ones(1))], path));
        Assert.Throws<ArgumentException>(() => SafeTensors.Save([new("__metadata__", Tensor.Ones(1))], path));
        Assert.AreEqual(0, Directory.GetFiles(_dir).Length, "a failed save leaves neither the target nor a temporary file");
    }

    [TestMethod]
    public void StateDictRoundTripThroughFileRestoresModule()
    {
        var a = ClassyNet.MLNet.Networks.Architectures.ResNet(20, [7, 13, 20], generator: new Generator(1));
        var b = ClassyNet.MLNet.Networks.Architectures.ResNet(20, [7, 13, 20], generator: new Generator(2));
        var path = PathOf("r20.safetensors");
        SafeTensors.Save(a.StateDict(), path);
        var result = b.LoadStateDict(SafeTensors.Load(path).Tensors);
        Assert.AreEqual(0, result.MissingKeys.Count + result.UnexpectedKeys.Count);
        foreach (var (key, t) in a.StateDict())
        {
            CollectionAssert.AreEqual(t.ToArray(), b.StateDict()[key].ToArray(), key);
        }
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
