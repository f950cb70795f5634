using System.IO.Compression;
using System.Text;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Transformers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class ModelPersistenceTests
{
    [TestMethod]
    public void PredictionEngineMatchesBulkTransformAndMapsKeysAndVectors()
    {
        var ml = new MLContext(seed: 1);
        var (model, data) = Pipeline(ml);
        var bulk = ml.Data.CreateEnumerable<Prediction>(model.Transform(data), reuseRowObject: false).ToArray();
        using var engine = ml.Model.CreatePredictionEngine<TransformsTests.Sample, Prediction>(model);
        var samples = TransformsTests.Samples();
        Prediction? reused = null;
        for (int i = 0; i < samples.Length; i++)
        {
            var p = engine.Predict(samples[i]);
            Assert.AreEqual(bulk[i].Key, p.Key, $"row {i}");
            Assert.AreEqual(bulk[i].Total, p.Total, $"row {i}");
            CollectionAssert.AreEqual(bulk[i].Scaled, p.Scaled, $"row {i}");
            Assert.AreEqual(bulk[i].Color, p.Color);
            engine.Predict(samples[i], ref reused);
            Assert.AreEqual(p.Total, reused!.Total);
            CollectionAssert.AreEqual(p.Scaled, reused.Scaled);
        }

        Assert.AreEqual(3u, engine.Predict(samples[2]).Key, "keys come out as uint (1-based)");
        Assert.AreEqual(0u, engine.Predict(new TransformsTests.Sample { Label = 42, Features = new float[4] }).Key, "an unseen label is key 0");

        var strict = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Model.CreatePredictionEngine<TransformsTests.Sample, WithExtra>(model, ignoreMissingColumns: false));
        StringAssert.Contains(strict.Message, "'Extra'");
        using var lenient = ml.Model.CreatePredictionEngine<TransformsTests.Sample, WithExtra>(model);
        Assert.AreEqual(-1f, lenient.Predict(samples[0]).Extra);
        var missingInput = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Model.CreatePredictionEngine<NoFeatures, Prediction>(model));
        StringAssert.Contains(missingInput.Message, "'Features'");
    }

    [TestMethod]
    public void SaveLoadRoundTripGivesIdenticalOutputsAndSchema()
    {
        var ml = new MLContext(seed: 1);
        var (model, data) = Pipeline(ml);
        using var dir = new TempDirectory();
        string path = dir.File("model.zip");
        ml.Model.Save(model, data.Schema, path);
        ml.Model.Save(model, data.Schema, path);
        CollectionAssert.AreEqual(new[] { "model.zip" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).ToArray(), "no temporary file is left behind");
        using (var zip = ZipFile.OpenRead(path))
        {
            var names = zip.Entries.Select(e => e.FullName).ToArray();
            CollectionAssert.Contains(names, "Manifest.json");
            CollectionAssert.Contains(names, "InputSchema.json");
            CollectionAssert.Contains(names, "Model/Loader.json");
            CollectionAssert.Contains(names, "Model/Transform_000/Loader.json");
            CollectionAssert.Contains(names, "Model/Transform_002/Model.bin");
        }

        var loaded = ml.Model.Load(path, out var inputSchema);
        CollectionAssert.AreEqual(EstimatorConformance.Describe(data.Schema), EstimatorConformance.Describe(inputSchema));
        var expected = ViewReader.ReadAll(model.Transform(data));
        var actual = ViewReader.ReadAll(loaded.Transform(data));
        Assert.HasCount(expected.Count, actual);
        for (int i = 0; i < expected.Count; i++)
        {
            CollectionAssert.AreEqual(expected[i], actual[i]);
        }

        CollectionAssert.AreEqual(ViewReader.Annotations(model.Transform(data).Schema), ViewReader.Annotations(loaded.Transform(data).Schema));
        using var a = ml.Model.CreatePredictionEngine<TransformsTests.Sample, Prediction>(model);
        using var b = ml.Model.CreatePredictionEngine<TransformsTests.Sample, Prediction>(loaded, inputSchema);
        foreach (var s in TransformsTests.Samples())
        {
            CollectionAssert.AreEqual(a.Predict(s).Scaled, b.Predict(s).Scaled);
        }
    }

    [TestMethod]
    public void FailedSaveKeepsTheOldFile()
    {
        var ml = new MLContext(seed: 1);
        var (model, data) = Pipeline(ml);
        using var dir = new TempDirectory();
        string path = dir.File("model.zip");
        ml.Model.Save(model, data.Schema, path);
        byte[] before = File.ReadAllBytes(path);
        Assert.ThrowsExactly<InvalidOperationException>(() => ml.Model.Save(new UnsavableTransformer(), data.Schema, path));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        Assert.HasCount(1, Directory.GetFiles(dir.Path));
    }

    [TestMethod]
    public void DamagedOrForeignModelsFailWithClearErrors()
    {
        var ml = new MLContext(seed: 1);
        var (model, data) = Pipeline(ml);
        using var dir = new TempDirectory();
        string path = dir.File("model.zip");
        ml.Model.Save(model, data.Schema, path);
        byte[] good = File.ReadAllBytes(path);

        Expect(ml, dir, good[..(good.Length / 2)], "cannot be loaded");
        Expect(ml, dir, Encoding.UTF8.GetBytes("not a zip at all"), "cannot be loaded");
        for (int offset = 100; offset < good.Length / 2; offset += 97)
        {
            var flipped = (byte[])good.Clone();
            flipped[offset] ^= 0x5A;
            string file = dir.File($"flip{offset}.zip");
            File.WriteAllBytes(file, flipped);
            try
            {
                var loaded = ml.Model.Load(file, out _);
                CollectionAssert.AreEqual(ViewReader.ReadAll(model.Transform(data)).SelectMany(r => r).ToArray(), ViewReader.ReadAll(loaded.Transform(data)).SelectMany(r => r).ToArray(), $"a flipped byte at {offset} loaded without error but changed the model");
            }
            catch (InvalidDataException e)
            {
                StringAssert.Contains(e.Message, file);
            }
        }

        Expect(ml, dir, Rewrite(good, "Manifest.json", "{\"format\":\"ClassyNet.MLNet.Model\",\"formatVersion\":99,\"writerVersion\":\"9.9\"}"), "format version 99");
        Expect(ml, dir, Rewrite(good, "Model/Transform_001/Loader.json", "{\"signature\":\"FutureTransform\",\"version\":1}"), "'FutureTransform'");
        Expect(ml, dir, Rewrite(good, "Model/Transform_000/Loader.json", "{\"signature\":\"MapValueToKey\",\"version\":7}"), "format version 7");
        Expect(ml, dir, Rewrite(good, "Manifest.json", null), "Manifest.json");
        Expect(ml, dir, Rewrite(good, "Model/Transform_001/Affine.bin", null), "Affine.bin");
        Expect(ml, dir, Rewrite(good, "Model/Transform_000/Terms.json", "[{"), "not valid JSON");
        Assert.ThrowsExactly<FileNotFoundException>(() => ml.Model.Load(dir.File("absent.zip"), out _));
    }

    [TestMethod]
    public void LoadersOfAnotherAssemblyRegisterByAttribute()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(EnumerableMappingTests.Rows(9));
        var model = new SumEstimator("Features", 3f, 4).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        ModelLoaderRegistry.RegisterAssembly(typeof(SumTransformer).Assembly);
        CollectionAssert.Contains(ModelLoaderRegistry.Signatures.ToArray(), "TestSum");
        var duplicate = Assert.ThrowsExactly<InvalidOperationException>(() => ModelLoaderRegistry.Register("TestSum", ctx => new UnsavableTransformer()));
        StringAssert.Contains(duplicate.Message, "'TestSum'");
        stream.Position = 0;
        var loaded = ml.Model.Load(stream, out _);
        Assert.IsInstanceOfType<SumTransformer>(loaded);
        Assert.AreEqual(4, ((SumTransformer)loaded).BatchSize);
        EstimatorConformance.Check(new SumEstimator("Features", 3f, 4), data);
    }

    private static (TransformerChain<ITransformer> Model, IDataView Data) Pipeline(MLContext ml)
    {
        ModelLoaderRegistry.RegisterAssembly(typeof(SumTransformer).Assembly);
        var data = ml.Data.LoadFromEnumerable(TransformsTests.Samples());
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Key", "Label")
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(new SumEstimator("Features", 2f, 4))
            .Append(ml.Transforms.Conversion.MapKeyToValue("KeyValue", "Key"));
        var fitted = pipeline.Fit(data);
        return (new TransformerChain<ITransformer>([.. fitted], fitted.Scopes), data);
    }

    private static byte[] Rewrite(byte[] zip, string entry, string? content)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var e in source.Entries)
            {
                if (e.FullName == entry && content is null)
                {
                    continue;
                }

                using var w = target.CreateEntry(e.FullName).Open();
                if (e.FullName == entry)
                {
                    w.Write(Encoding.UTF8.GetBytes(content!));
                }
                else
                {
                    using var r = e.Open();
                    r.CopyTo(w);
                }
            }
        }

        return output.ToArray();
    }

    private static void Expect(MLContext ml, TempDirectory dir, byte[] content, string fragment)
    {
        string path = dir.File(Guid.NewGuid().ToString("N") + ".zip");
        File.WriteAllBytes(path, content);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ml.Model.Load(path, out _));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, fragment);
    }

    private sealed class Prediction
    {
        [ColumnName("Key")]
        public uint Key { get; set; }

        [ColumnName("Sum")]
        public float Total { get; set; }

        public float[] Scaled { get; set; } = [];

        public string Color { get; set; } = string.Empty;

        public float KeyValue { get; set; }
    }

    private sealed class WithExtra
    {
        public float Sum { get; set; }

        public float Extra { get; set; } = -1;
    }

    private sealed class NoFeatures
    {
        public float Label { get; set; }
    }

    private sealed class UnsavableTransformer : RowToRowTransformerBase
    {
        protected override RowToRowMapperBase MakeMapper(DataViewSchema inputSchema) => throw new NotSupportedException();

        protected override void SaveModel(ModelSaveContext ctx) => throw new InvalidOperationException("cannot save");
    }
}
