using System.IO.Compression;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>The ClassyNet model file: layout, round trip of a mixed ML.NET/ClassyNet chain, atomic save, clear errors.</summary>
[TestClass]
public sealed class ModelFileTests
{
    private static readonly string[] Outputs = ["Label.Exit0", "Score", "PredictedLabel", "ExitIndex", "Entropy", "Features"];

    /// <summary>A fitted chain: ML.NET's NormalizeMinMax and MapValueToKey, ClassyNet's MapBagOfClasses and trainer, ML.NET's MapKeyToValue.</summary>
    internal static (MLContext Ml, IDataView Data, ITransformer Model) MixedChain()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.Load(ml, 120, seed: 1);
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.Transforms.ClassyNet.MapBagOfClasses(ClassyNetTestData.Sets))
            .Append(ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 2)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);
        return (ml, data, model);
    }

    [TestMethod]
    public void MixedChainRoundTripsThroughOneFileWithMLNetAndClassyNetSteps()
    {
        var (ml, data, model) = MixedChain();
        using var dir = new TempDirectory();
        string path = dir.File("model.zip");
        ml.Model.SaveClassyNet(model, data.Schema, path);

        using (var zip = ZipFile.OpenRead(path))
        {
            CollectionAssert.AreEquivalent(
                new[] { "input-schema.zip", "steps/000/mlnet.zip", "steps/001/bag-of-classes.json", "steps/002/scorer.json", "steps/002/classynet-model.zip", "steps/003/mlnet.zip", "classynet-model.json" },
                zip.Entries.Select(e => e.FullName).ToArray());
            using var manifest = new StreamReader(zip.GetEntry("classynet-model.json")!.Open());
            string text = manifest.ReadToEnd();
            StringAssert.Contains(text, "\"format\": \"classynet-pipeline\"");
            StringAssert.Contains(text, "\"crc32\"");
        }

        var loaded = new MLContext(seed: 9).Model.LoadClassyNet(path, out var schema);
        CollectionAssert.AreEqual(ColumnValues.Describe(data.Schema), ColumnValues.Describe(schema));
        var chain = (TransformerChain<ITransformer>)loaded;
        Assert.HasCount(((IEnumerable<ITransformer>)model).Count(), chain, "one transformer per fitted step");
        var before = model.Transform(data);
        var after = loaded.Transform(data);
        CollectionAssert.AreEqual(ColumnValues.Describe(before.Schema), ColumnValues.Describe(after.Schema));
        CollectionAssert.AreEqual(ColumnValues.AnnotationValues(before.Schema), ColumnValues.AnnotationValues(after.Schema));
        ColumnValues.AssertEqual(ColumnValues.Read(before, Outputs), ColumnValues.Read(after, Outputs), Outputs, "saved and loaded chain");

        using var stream = new MemoryStream();
        ml.Model.SaveClassyNet(model, data.Schema, stream);
        stream.Position = 0;
        ColumnValues.AssertEqual(ColumnValues.Read(before, Outputs), ColumnValues.Read(ml.Model.LoadClassyNet(stream, out _).Transform(data), Outputs), Outputs, "stream round trip");
    }

    [TestMethod]
    public void MLNetsOwnSaveRefusesAChainWithClassyNetNamingSaveClassyNet()
    {
        var (ml, data, model) = MixedChain();
        var error = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.Save(model, data.Schema, new MemoryStream()));
        StringAssert.Contains(error.Message, "mlContext.Model.SaveClassyNet(model, inputSchema, path)");
        StringAssert.Contains(error.Message, "BagOfClassesTransformer");
    }

    [TestMethod]
    public void AFailedSaveLeavesThePreviousFileIntact()
    {
        var (ml, data, model) = MixedChain();
        using var dir = new TempDirectory();
        string path = dir.File("model.zip");
        ml.Model.SaveClassyNet(model, data.Schema, path);
        var previous = File.ReadAllBytes(path);

        // ML.NET cannot save a custom mapping without a contract name: the save fails after the ClassyNet steps are written.
        var mapping = ml.Transforms.CustomMapping<ClassyNetTestData.Prediction, Doubled>((i, o) => o.Twice = i.Entropy * 2, contractName: null).Fit(model.Transform(data));
        var unsavable = new TransformerChain<ITransformer>([.. (IEnumerable<ITransformer>)model, mapping]);
        Assert.ThrowsExactly<InvalidOperationException>(() => ml.Model.SaveClassyNet(unsavable, data.Schema, path));
        CollectionAssert.AreEqual(previous, File.ReadAllBytes(path), "the previous model is untouched");
        CollectionAssert.AreEqual(new[] { "model.zip" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).ToArray(), "no temporary file is left behind");
    }

    [TestMethod]
    public void DamagedForeignAndNewerFilesFailNamingTheFileAndEntry()
    {
        var (ml, data, model) = MixedChain();
        using var dir = new TempDirectory();
        string path = dir.File("model.zip");
        ml.Model.SaveClassyNet(model, data.Schema, path);
        var good = File.ReadAllBytes(path);

        string Load(string name, byte[] bytes)
        {
            string file = dir.File(name);
            File.WriteAllBytes(file, bytes);
            var error = Assert.ThrowsExactly<InvalidDataException>(() => ml.Model.LoadClassyNet(file, out _), name);
            StringAssert.Contains(error.Message, file, name);
            return error.Message;
        }

        StringAssert.Contains(Load("truncated.zip", good[..(good.Length / 2)]), "not a readable zip");
        StringAssert.Contains(Load("text.zip", Encoding.UTF8.GetBytes("hello")), "not a readable zip");

        using (var foreign = new MemoryStream())
        {
            ml.Model.Save(ml.Transforms.Conversion.MapValueToKey("Label").Fit(data), data.Schema, foreign);
            StringAssert.Contains(Load("mlnet.zip", foreign.ToArray()), "no 'classynet-model.json' entry");
        }

        StringAssert.Contains(Load("newer.zip", Rewrite(good, "classynet-model.json", t => t.Replace("\"version\": 1", "\"version\": 2"))), "entry 'classynet-model.json': version 2 is not supported");
        StringAssert.Contains(Load("kind.zip", Rewrite(good, "classynet-model.json", t => t.Replace("classynet-bag-of-classes", "classynet-something-new"))), "kind 'classynet-something-new'");
        StringAssert.Contains(Load("json.zip", Rewrite(good, "classynet-model.json", t => t[..(t.Length / 2)])), "entry 'classynet-model.json': it is not valid JSON");
        var damaged = Load("damaged.zip", Rewrite(good, "steps/002/scorer.json", t => t.Replace("256", "257")));
        StringAssert.Contains(damaged, "entry 'steps/002/scorer.json': it is damaged");
        StringAssert.Contains(damaged, "CRC-32");
        StringAssert.Contains(Load("missing.zip", Remove(good, "steps/002/classynet-model.zip")), "entry 'steps/002/classynet-model.zip': it is missing");
    }

    private static byte[] Rewrite(byte[] zipBytes, string entry, Func<string, string> change) => Copy(zipBytes, (name, content) => name == entry ? Encoding.UTF8.GetBytes(change(Encoding.UTF8.GetString(content))) : content);

    private static byte[] Remove(byte[] zipBytes, string entry) => Copy(zipBytes, (name, content) => name == entry ? null : content);

    private static byte[] Copy(byte[] zipBytes, Func<string, byte[], byte[]?> map)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var read = new MemoryStream();
                using (var s = entry.Open())
                {
                    s.CopyTo(read);
                }

                if (map(entry.FullName, read.ToArray()) is { } content)
                {
                    using var w = target.CreateEntry(entry.FullName).Open();
                    w.Write(content);
                }
            }
        }

        return output.ToArray();
    }

    private sealed class Doubled
    {
        public float Twice { get; set; }
    }
}
