using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tensors;

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
        var net = Architectures.Mlp(d, Enumerable.Repeat(d, outputs.Count).ToArray(), classes, outputs, generator: new Generator(1));
        var state = net.StateDict();
        int offset = 0;
        for (int m = 0; m < outputs.Count; m++)
        {
            var w = state[$"stages.{m}.0.weight"].AsSpan();
            w.Clear();
            for (int i = 0; i < d; i++)
            {
                w[i * d + i] = 1f;
            }

            state[$"stages.{m}.0.bias"].AsSpan().Clear();
            var hw = state[$"exits.{m}.fc.weight"].AsSpan();
            hw.Clear();
            for (int o = 0; o < outputs[m]; o++)
            {
                hw[o * d + offset + o] = 1f;
            }

            state[$"exits.{m}.fc.bias"].AsSpan().Clear();
            offset += outputs[m];
        }

        return net;
    }

    /// <summary>One input row for <see cref="LogitPassThrough"/> from each exit's logits (all must be &gt;= 0).</summary>
    public static Tensor Row(params float[][] logits) => Tensor.FromArray(logits.SelectMany(l => l).ToArray(), 1, logits.Sum(l => l.Length));

    /// <summary>Softmax entropy of one logit row, computed by the engine.</summary>
    public static float Entropy(params float[] logits)
    {
        using var scope = TensorScope.Begin();
        return Functional.SoftmaxEntropy(Tensor.FromArray(logits, 1, logits.Length)).AsSpan()[0];
    }

    /// <summary>Largest softmax probability of one logit row, computed by the engine.</summary>
    public static float Confidence(params float[] logits)
    {
        using var scope = TensorScope.Begin();
        var p = Functional.Softmax(Tensor.FromArray(logits, 1, logits.Length), 1).ToArray();
        return p.Max();
    }

    /// <summary>Uniform random tensor in [low, high).</summary>
    public static Tensor Uniform(int[] shape, float low, float high, ulong seed) => Tensor.Uniform(shape, low, high, new Generator(seed));
}
