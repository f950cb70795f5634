using ClassyNet.Edge;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Inference;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace ClassyNet.Deployment.Tests;

/// <summary>Edge part on ONNX Runtime plus cloud part over gRPC answers exactly what the unsplit model answers.</summary>
[TestClass]
public sealed class SplitEquivalenceTests
{
    public static IEnumerable<object[]> Splits() => OnnxExportTests.Splits();

    [TestMethod]
    [DynamicData(nameof(Splits))]
    public async Task EdgePlusCloudOverGrpcEqualsUnsplit(string kind, int splitExit)
    {
        var (model, n) = kind switch
        {
            "resnet" => (DeploymentModels.ResNet(), 64),
            "mlp" => (DeploymentModels.Mlp(), 64),
            _ => (DeploymentModels.AlexNet(), 24),
        };
        var raw = DeploymentModels.Inputs(model, n, seed: 7);
        model = MedianThresholds(model, raw, n);
        var unsplit = model.Predict(new TensorDataset(raw, new int[n], [.. model.InputShape]), batchSize: n);

        using var packages = new EdgePackages();
        var package = packages.Export(model, splitExit, kind);
        await using var service = await TestService.StartAsync([(model, kind)]);
        using var client = service.Client();
        using var runtime = new EdgeRuntime(package);
        var result = await new EdgeClassifier(runtime, client).ClassifyAsync(raw, n);

        AssertSame(unsplit, result.Answers, splitExit);
        int onEdge = result.Count(EdgeAnswerSource.Edge), inCloud = result.Count(EdgeAnswerSource.Cloud);
        Assert.AreEqual(n, onEdge + inCloud, "every sample is answered by the edge or the cloud");
        Assert.IsTrue(onEdge > 0, "some samples leave on the edge");
        Assert.AreEqual(splitExit < model.ExitCount, inCloud > 0, "samples go to the cloud exactly when it holds exits");
    }

    [TestMethod]
    public void CloudPartitionInProcessEqualsTheUnsplitTail()
    {
        var model = DeploymentModels.ResNet();
        const int n = 48;
        var raw = DeploymentModels.Inputs(model, n, seed: 11);
        model = MedianThresholds(model, raw, n);
        var prepared = model.PrepareInputs(new TensorDataset(raw, new int[n], [.. model.InputShape]));
        var unsplit = model.PredictPrepared(prepared, batchSize: n);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        model.Network.eval();
        var activation = model.Network.ForwardStage(0, tensor(prepared.Features, [n, .. model.InputShape.Select(d => (long)d)]));
        var cloud = new ModelSplit(model, 1, "resnet").CreateCloudPartition();
        var tail = cloud.Predict(activation.contiguous().data<float>().ToArray(), n);
        for (int i = 0; i < n; i++)
        {
            if (unsplit.Predictions[i].Exit == 0)
            {
                continue; // left at exit 1, which is not in the cloud part
            }

            Assert.AreEqual(unsplit.Predictions[i].PredictedClass, tail.Predictions[i].PredictedClass, $"sample {i}");
            Assert.AreEqual(unsplit.Predictions[i].Exit, tail.Predictions[i].Exit, $"sample {i}");
            Assert.AreEqual(unsplit.Predictions[i].Macs, tail.Predictions[i].Macs, $"sample {i}: MACs count the edge part too");
        }
    }

    /// <summary>
    /// Makes about half the samples of <paramref name="raw"/> leave at each early exit: where an exit has a bag, its
    /// bag logit's bias is shifted so that the bag is the argmax of about half the samples, then each threshold is put
    /// halfway between the two middle entropies of the samples whose argmax is not the bag. (A threshold equal to some
    /// sample's entropy would make that sample's decision hang on the last bit, where ONNX Runtime and libtorch may
    /// differ by 1e-7.) Returns the model with those thresholds; the bias change is made in place (skipped for a trained
    /// model with <paramref name="shiftBag"/> false).
    /// </summary>
    internal static ClassyNetModel MedianThresholds(ClassyNetModel model, float[] raw, int n, bool shiftBag = true)
    {
        var prepared = model.PrepareInputs(new TensorDataset(raw, new int[n], [.. model.InputShape]));
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        model.Network.eval();
        var x = tensor(prepared.Features, [n, .. model.InputShape.Select(d => (long)d)]);
        var thresholds = new float[model.ExitCount - 1];
        for (int m = 0; m < thresholds.Length; m++)
        {
            x = model.Network.ForwardStage(m, x);
            var logits = model.Network.ForwardExit(m, x);
            int bag = model.ExitClasses.BagIndex(m);
            if (bag >= 0 && shiftBag)
            {
                var rows = logits.data<float>().ToArray();
                int width = (int)logits.shape[1];
                var margin = Enumerable.Range(0, n)
                    .Select(i => rows[(i * width) + bag] - Enumerable.Range(0, width).Where(o => o != bag).Max(o => rows[(i * width) + o]))
                    .Order().Skip((n / 2) - 1).Take(2).Average();
                using (no_grad())
                {
                    model.Network.state_dict()[$"exits.{m}.fc.bias"][bag].sub_(margin);
                }

                logits = model.Network.ForwardExit(m, x);
            }

            var entropy = MLNet.Losses.SoftmaxScores.Entropy(logits).data<float>().ToArray();
            var argmax = logits.argmax(1).data<long>().ToArray();
            var candidates = Enumerable.Range(0, n).Where(i => argmax[i] != bag).Select(i => entropy[i]).Order().ToArray();
            Assert.IsTrue(candidates.Length >= 4, $"exit {m}: only {candidates.Length} samples have a non-bag argmax");
            thresholds[m] = candidates.Skip((candidates.Length / 2) - 1).Take(2).Average();
        }

        return model.WithThresholds(thresholds);
    }

    /// <summary>Same class and exit for every sample; probabilities and scores within 1e-5.</summary>
    internal static void AssertSame(EarlyExitBatchResult expected, IReadOnlyList<EdgeAnswer> actual, int splitExit)
    {
        Assert.AreEqual(expected.Count, actual.Count);
        for (int i = 0; i < actual.Count; i++)
        {
            var e = expected.Predictions[i];
            var a = actual[i];
            Assert.IsTrue(a.IsAnswered, $"sample {i}: {a}");
            Assert.AreEqual(e.Exit, a.Exit, $"sample {i}: exit");
            Assert.AreEqual(e.PredictedClass, a.PredictedClass, $"sample {i}: class");
            Assert.AreEqual(e.Exit < splitExit ? EdgeAnswerSource.Edge : EdgeAnswerSource.Cloud, a.Source, $"sample {i}: source");
            Assert.AreEqual(e.Score, a.Score, 1e-5, $"sample {i}: score");
            for (int c = 0; c < e.Probabilities.Count; c++)
            {
                Assert.AreEqual(e.Probabilities[c], a.Probabilities[c], 1e-5, $"sample {i}: probability of class {c}");
            }
        }
    }
}
