namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>Fully connected layer y = x W^T + b (PyTorch's <c>nn.Linear</c>) with PyTorch's default initialisation.</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Empty(outFeatures, inFeatures));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty(outFeatures)) : null;
        Init.DefaultLayer(Weight, Bias, generator);
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Weight [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
