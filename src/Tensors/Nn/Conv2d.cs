namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>2-D convolution layer (PyTorch's <c>nn.Conv2d</c>, groups = 1) with PyTorch's default initialisation.</summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="kernelSize"/>, <paramref name="stride"/> and <paramref name="padding"/> apply to both axes.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, bool bias = true, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Weight = RegisterParameter("weight", Tensor.Empty(outChannels, inChannels, kernelSize, kernelSize));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty(outChannels)) : null;
        Init.DefaultLayer(Weight, Bias, generator);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Square kernel size.</summary>
    public int KernelSize { get; }

    /// <summary>Stride on both axes.</summary>
    public int Stride { get; }

    /// <summary>Zero padding on both axes.</summary>
    public int Padding { get; }

    /// <summary>Weight [out, in, k, k].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, (Stride, Stride), (Padding, Padding));
}
