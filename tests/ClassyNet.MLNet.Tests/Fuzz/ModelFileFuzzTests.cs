using ClassyNet.MLNet.Tests.Pipeline;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Fuzz;

/// <summary>
/// 1,000 mutated model files into LoadClassyNet: each loads (and then scores exactly like the original, since every
/// entry is CRC-checked) or fails with an <see cref="InvalidDataException"/> naming the file; no crash, no hang, no
/// allocation over 100 MB.
/// </summary>
[TestClass]
public sealed class ModelFileFuzzTests
{
    [TestMethod]
    public void MutatedModelFilesLoadIdenticallyOrFailNamingTheFile()
    {
        var (ml, data, model) = ModelFileTests.MixedChain();
        string[] outputs = ["Score", "PredictedLabel", "ExitIndex"];
        var probe = ml.Data.TakeRows(data, 8);
        var expected = ColumnValues.Read(model.Transform(probe), outputs);
        using var dir = new TempDirectory();
        string original = dir.File("original.zip");
        ml.Model.SaveClassyNet(model, data.Schema, original);
        var bytes = File.ReadAllBytes(original);
        var random = new Random(21);
        int loaded = 0;
        int failed = Mutator.Run(1000, TimeSpan.FromSeconds(240), i =>
        {
            string path = dir.File($"mutated-{i}.zip");
            File.WriteAllBytes(path, Mutator.Mutate(bytes, random));
            return (path, () =>
            {
                try
                {
                    var again = ml.Model.LoadClassyNet(path, out _);
                    ColumnValues.AssertEqual(expected, ColumnValues.Read(again.Transform(probe), outputs), outputs, $"mutation {i} loaded");
                    loaded++;
                }
                finally
                {
                    File.Delete(path);
                }
            });
        });
        Assert.AreEqual(1000, failed + loaded);
        Assert.IsGreaterThan(700, failed, "most mutations are caught (the rest touch bytes a zip reader does not use: appended data, header fields it ignores)");
    }
}
