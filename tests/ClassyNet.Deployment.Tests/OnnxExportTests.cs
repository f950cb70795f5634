using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Networks;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace ClassyNet.Deployment.Tests;

[TestClass]
public sealed class OnnxExportTests
{
    public static IEnumerable<object[]> Splits()
    {
        foreach (var kind in new[] { "resnet", "mlp", "alexnet" })
        {
            for (int k = 1; k <= 3; k++)
            {
                yield return [kind, k];
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Splits))]
    public void EdgePartOnOnnxRuntimeMatchesTorchSharp(string kind, int splitExit)
    {
        var model = kind switch { "resnet" => DeploymentModels.ResNet(), "mlp" => DeploymentModels.Mlp(), _ => DeploymentModels.AlexNet() };
        var split = new ModelSplit(model, splitExit, "test");
        using var onnx = new MemoryStream();
        split.WriteEdgeOnnx(onnx);
        const int n = 5;
        var raw = DeploymentModels.Inputs(model, n, seed: 3);
        var outputs = RunOnnx(onnx.ToArray(), raw, [n, .. model.InputShape]);

        var normalized = (float[])raw.Clone();
        model.Normalization.Apply(normalized, model.InputShape);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        model.Network.eval();
        var x = tensor(normalized, [n, .. model.InputShape.Select(d => (long)d)]);
        for (int m = 0; m < splitExit; m++)
        {
            x = model.Network.ForwardStage(m, x);
            var logits = model.Network.ForwardExit(m, x);
            AssertClose(nn.functional.softmax(logits, 1), outputs[$"exit{m}_probabilities"], 1e-5, $"exit {m} probabilities");
            AssertClose(ClassyNet.MLNet.Losses.SoftmaxScores.Entropy(logits), outputs[$"exit{m}_entropy"], 1e-5, $"exit {m} entropy");
        }

        if (splitExit < model.ExitCount)
        {
            AssertClose(x, outputs["activation"], 1e-5, "activation");
            CollectionAssert.AreEqual(x.shape.Skip(1).Select(d => (int)d).ToArray(), split.ActivationShape.ToArray());
        }
        else
        {
            Assert.IsFalse(outputs.ContainsKey("activation"));
        }
    }

    internal static Dictionary<string, float[]> RunOnnx(byte[] onnx, float[] input, long[] shape)
    {
        using var session = new InferenceSession(onnx);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [value], session.OutputNames);
        return session.OutputNames.Zip(results).ToDictionary(p => p.First, p => p.Second.GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>|a - b| &lt;= tolerance * max(1, |a|) everywhere.</summary>
    internal static void AssertClose(Tensor expected, float[] actual, double tolerance, string what)
    {
        var e = expected.contiguous().data<float>().ToArray();
        Assert.AreEqual(e.Length, actual.Length, $"{what}: length");
        double worst = 0;
        for (int i = 0; i < e.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(e[i] - actual[i]) / Math.Max(1, Math.Abs(e[i])));
        }

        Assert.IsTrue(worst <= tolerance, $"{what}: largest difference {worst:G3} > {tolerance:G3}");
    }
}
