namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>Weight initialisers with PyTorch's formulas (<c>torch.nn.init</c>).</summary>
public static class Init
{
    /// <summary>Fan-in of a weight: size(1) times the receptive field.</summary>
    public static int FanIn(Tensor weight) => weight.Rank < 2 ? weight.Numel : weight.Numel / weight.Size(0);

    /// <summary>Fan-out of a weight: size(0) times the receptive field.</summary>
    public static int FanOut(Tensor weight) => weight.Rank < 2 ? weight.Numel : weight.Numel / weight.Size(1);

    /// <summary>U(-bound, bound) with bound = gain * sqrt(3 / fan_in), gain = sqrt(2 / (1 + a^2)) (leaky-ReLU gain).</summary>
    public static Tensor KaimingUniform(Tensor weight, double a = 0, Generator? generator = null)
    {
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        float bound = (float)(gain * Math.Sqrt(3.0 / FanIn(weight)));
        weight.UniformInPlace(-bound, bound, generator);
        return weight;
    }

    /// <summary>N(0, std^2) with std = sqrt(2 / fan) (fan-out when <paramref name="fanOut"/>, the ResNet convention).</summary>
    public static Tensor KaimingNormal(Tensor weight, bool fanOut = false, Generator? generator = null)
    {
        var g = generator ?? Generator.Default;
        double std = Math.Sqrt(2.0 / (fanOut ? FanOut(weight) : FanIn(weight)));
        var span = weight.AsSpan();
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = (float)(std * g.NextGaussian());
        }

        return weight;
    }

    /// <summary>U(-bound, bound) with bound = sqrt(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor weight, Generator? generator = null)
    {
        float bound = (float)Math.Sqrt(6.0 / (FanIn(weight) + FanOut(weight)));
        weight.UniformInPlace(-bound, bound, generator);
        return weight;
    }

    /// <summary>U(low, high).</summary>
    public static Tensor Uniform(Tensor tensor, float low, float high, Generator? generator = null)
    {
        tensor.UniformInPlace(low, high, generator);
        return tensor;
    }

    /// <summary>PyTorch's default for Conv and Linear: kaiming_uniform(a = sqrt(5)) on the weight, U(+-1/sqrt(fan_in)) on the bias.</summary>
    internal static void DefaultLayer(Tensor weight, Tensor? bias, Generator? generator)
    {
        KaimingUniform(weight, Math.Sqrt(5), generator);
        if (bias is not null)
        {
            float bound = 1f / MathF.Sqrt(FanIn(weight));
            bias.UniformInPlace(-bound, bound, generator);
        }
    }
}
