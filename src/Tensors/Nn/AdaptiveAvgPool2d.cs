namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>Adaptive average pooling to a fixed output size (PyTorch's <c>nn.AdaptiveAvgPool2d</c>).</summary>
/// <param name="outputHeight">Output height.</param>
/// <param name="outputWidth">Output width.</param>
public sealed class AdaptiveAvgPool2d(int outputHeight, int outputWidth) : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, (outputHeight, outputWidth));
}
