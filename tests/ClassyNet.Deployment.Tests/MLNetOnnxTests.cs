using ClassyNet.Edge;
using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Tests;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Deployment.Tests;

/// <summary>ML.NET users run the exported edge part with ML.NET's own ONNX transform.</summary>
[TestClass]
public sealed class MLNetOnnxTests
{
    [TestMethod]
    public void ExportedEdgePartRunsThroughApplyOnnxModel()
    {
        var model = DeploymentModels.ResNet();
        using var folder = new TempDirectory();
        var manifest = new ModelSplit(model, 2, "resnet").ExportEdgePackage(folder.Path);
        const int n = 6;
        var raw = DeploymentModels.Inputs(model, n, seed: 5);
        int size = manifest.InputSize;

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, n).Select(i => new Image { Input = raw[(i * size)..((i + 1) * size)] }));
        string[] outputs = [manifest.Exits[0].ProbabilitiesOutput, manifest.Exits[1].ProbabilitiesOutput, manifest.ActivationOutput!];
        var pipeline = ml.Transforms.ApplyOnnxModel(outputColumnNames: outputs, inputColumnNames: [manifest.InputName], modelFile: Path.Combine(folder.Path, manifest.OnnxFile));
        var scored = pipeline.Fit(data).Transform(data);

        // The same graph run directly by ONNX Runtime on the whole batch; and ORT itself matches TorchSharp (OnnxExportTests).
        var direct = OnnxExportTests.RunOnnx(File.ReadAllBytes(Path.Combine(folder.Path, manifest.OnnxFile)), raw, [n, .. manifest.InputShape.Select(d => (long)d)]);
        foreach (string column in outputs)
        {
            var rows = scored.GetColumn<float[]>(column).ToArray();
            Assert.AreEqual(n, rows.Length, column);
            var flat = rows.SelectMany(r => r).ToArray();
            Assert.AreEqual(direct[column].Length, flat.Length, $"{column}: values");
            for (int i = 0; i < flat.Length; i++)
            {
                Assert.AreEqual(direct[column][i], flat[i], 1e-6, $"{column}[{i}]");
            }
        }

        // ML.NET knows the outputs' shapes from the graph: probabilities per exit, the activation handed to the cloud.
        Assert.AreEqual(model.ExitClasses.OutputCount(0), ((VectorDataViewType)scored.Schema[outputs[0]].Type).Size);
        Assert.AreEqual(manifest.ActivationSize, ((VectorDataViewType)scored.Schema[outputs[2]].Type).Size);
    }

    private sealed class Image
    {
        [VectorType(1, 12, 12)]
        [ColumnName("input")]
        public float[] Input { get; set; } = [];
    }
}
