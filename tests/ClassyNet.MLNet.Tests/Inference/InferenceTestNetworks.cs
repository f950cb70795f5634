using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Tests.Inference;

/// <summary>Networks with known outputs for the inference tests.</summary>
internal static class InferenceTestNetworks
{
    /// <summary>
    /// An MLP whose exit logits are slices of the input: every stage is Linear(d, d) = identity plus ReLU (so a
    /// non-negative input passes unchanged) and head m copies input features [offset_m, offset_m + outputs[m]).
    /// The input width d is the sum of the output counts. Feed non-negative inputs.
    /// </summary>
    public static MultiExitNetwork LogitPassThrough(IReadOnlyList<int> outputs, int classes)
    {
        int d = outputs.Sum();
        using var generator = new Generator(1);
        var net = Architectures.Mlp(d, Enumerable.Repeat(d, outputs.Count).ToArray(), classes, outputs, generator: generator);
        var state = net.state_dict();
        using var noGrad = no_grad();
        int offset = 0;
        for (int m = 0; m < outputs.Count; m++)
        {
            state[$"stages.{m}.0.weight"].copy_(eye(d));
            state[$"stages.{m}.0.bias"].zero_();
            var head = zeros(outputs[m], d);
            for (int o = 0; o < outputs[m]; o++)
            {
                head[o, offset + o] = 1f;
            }

            state[$"exits.{m}.fc.weight"].copy_(head);
            state[$"exits.{m}.fc.bias"].zero_();
            offset += outputs[m];
        }

        return net;
    }

    /// <summary>One input row for <see cref="LogitPassThrough"/> from each exit's logits (all must be &gt;= 0).</summary>
    public static Tensor Row(params float[][] logits) => tensor(logits.SelectMany(l => l).ToArray(), [1, logits.Sum(l => l.Length)]);

    /// <summary>Softmax entropy of one logit row, computed by the library's own function.</summary>
    public static float Entropy(params float[] logits)
    {
        using var scope = NewDisposeScope();
        return SoftmaxScores.Entropy(tensor(logits, [1, logits.Length])).item<float>();
    }

    /// <summary>Largest softmax probability of one logit row, computed by libtorch.</summary>
    public static float Confidence(params float[] logits)
    {
        using var scope = NewDisposeScope();
        return nn.functional.softmax(tensor(logits, [1, logits.Length]), 1).max().item<float>();
    }

    /// <summary>Uniform random tensor in [low, high).</summary>
    public static Tensor Uniform(long[] shape, float low, float high, ulong seed)
    {
        using var generator = new Generator(seed);
        using var unit = rand(shape, generator: generator);
        return (unit * (high - low)) + low;
    }

    /// <summary>
    /// Tensors created on this thread and not yet disposed (TorchSharp's per-thread statistics). A tensor left to the
    /// garbage collector still counts here, even once finalised on the finalizer thread, so a leak cannot hide.
    /// </summary>
    public static long LiveTensors() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
}
