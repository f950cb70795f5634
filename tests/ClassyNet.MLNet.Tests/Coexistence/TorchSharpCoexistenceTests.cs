using ClassyNet.MLNet.Tests.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TorchSharp;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace ClassyNet.MLNet.Tests.Coexistence;

/// <summary>
/// One app referencing both ML.NET's TorchSharp components (Microsoft.ML.TorchSharp 0.24.0, which asks for TorchSharp
/// &gt;= 0.102.7) and ClassyNet resolves one TorchSharp; libtorch runs through it, ML.NET's TorchSharp trainer composes in
/// the same MLContext, and ClassyNet trains and scores there.
/// </summary>
[TestClass]
public sealed class TorchSharpCoexistenceTests
{
    [TestMethod]
    public void OneTorchSharpServesMLNetsTorchSharpComponentsAndClassyNet()
    {
        var ml = new MLContext(seed: 1);

        // ML.NET's TorchSharp text classifier composes with ML.NET's own transforms in this context. It is not fitted
        // here: fitting downloads pretrained weights at run time.
        var textPipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.TextClassification(labelColumnName: "Label", sentence1ColumnName: "Text"));
        var textShape = textPipeline.GetOutputSchema(EstimatorConformance.ShapeOf(ml.Data.LoadFromEnumerable(new[] { new Sentence() }).Schema));
        Assert.IsTrue(textShape.Any(c => c.Name == "PredictedLabel" && c.IsKey), "ML.NET's TorchSharp trainer promises its PredictedLabel key");

        // ClassyNet trains and scores in the same app and context.
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 10)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(ClassyNetTestData.Load(ml, 300, seed: 1));
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(ClassyNetTestData.Load(ml, 80, seed: 2)));
        Assert.IsGreaterThan(0.85, metrics.MicroAccuracy);

        // libtorch runs through the resolved TorchSharp.
        using (var ones = torch.ones(2, 3))
        using (var sum = ones.sum())
        {
            Assert.AreEqual(6f, sum.item<float>());
        }

        // One TorchSharp: a single assembly in the app's dependencies and in the process, at least what ML.NET asked for.
        var asked = typeof(TorchSharpCatalog).Assembly.GetReferencedAssemblies().Single(a => a.Name == "TorchSharp");
        var inProcess = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "TorchSharp").ToList();
        Assert.HasCount(1, inProcess, "one TorchSharp assembly is loaded");
        var version = inProcess[0].GetName().Version!;
        Assert.AreEqual(new Version(0, 107, 0, 0), version, "TorchSharp 0.107.0 is the one resolved");
        Assert.IsGreaterThanOrEqualTo(asked.Version!, version, "the resolved TorchSharp satisfies Microsoft.ML.TorchSharp's reference");
        var deployed = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Where(p => Path.GetFileName(p) == "TorchSharp.dll").ToList();
        Assert.HasCount(1, deployed, "the app deploys one TorchSharp.dll");
        Assert.AreEqual(deployed[0], inProcess[0].Location);
    }

    private sealed class Sentence
    {
        public string Text { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }
}
