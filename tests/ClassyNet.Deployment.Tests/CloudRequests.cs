using System.Runtime.InteropServices;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Inference;
using ClassyNet.Serving.Protocol;
using Google.Protobuf;
using static TorchSharp.torch;

namespace ClassyNet.Deployment.Tests;

/// <summary>Real activations of a model's edge part and requests built from them.</summary>
internal static class CloudRequests
{
    /// <summary>The activations after <paramref name="splitExit"/> exits for <paramref name="n"/> random inputs (TorchSharp), row-major.</summary>
    public static float[] Activations(ClassyNetModel model, int splitExit, int n, int seed)
    {
        var raw = DeploymentModels.Inputs(model, n, seed);
        var prepared = model.PrepareInputs(new TensorDataset(raw, new int[n], [.. model.InputShape]));
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        model.Network.eval();
        var x = tensor(prepared.Features, [n, .. model.InputShape.Select(d => (long)d)]);
        for (int m = 0; m < splitExit; m++)
        {
            x = model.Network.ForwardStage(m, x);
        }

        return x.contiguous().data<float>().ToArray();
    }

    /// <summary>A request for <paramref name="count"/> activations starting at sample <paramref name="first"/> of <paramref name="activations"/>.</summary>
    public static InferRequest Request(ModelSplit split, float[] activations, int first, int count, IEnumerable<long>? sampleIds = null)
    {
        int size = split.ActivationShape.Aggregate(1, (a, d) => a * d);
        var request = new InferRequest
        {
            ModelId = split.Identity.Id,
            ModelVersion = split.Identity.Version,
            SplitExit = split.SplitExit,
            Activations = ByteString.CopyFrom(MemoryMarshal.AsBytes(activations.AsSpan(first * size, count * size))),
        };
        request.Shape.Add(count);
        request.Shape.AddRange(split.ActivationShape.Select(d => (long)d));
        request.SampleIds.AddRange(sampleIds ?? Enumerable.Range(first, count).Select(i => (long)i));
        return request;
    }
}
