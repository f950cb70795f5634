namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>2-D average pooling (PyTorch's <c>nn.AvgPool2d</c>, padded zeros counted); stride defaults to the kernel size.</summary>
/// <param name="kernelSize">Square window size.</param>
/// <param name="stride">Step between windows (default: the kernel size).</param>
/// <param name="padding">Implicit zero padding on each side.</param>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0) : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Functional.AvgPool2d(input, (kernelSize, kernelSize), (stride ?? kernelSize, stride ?? kernelSize), (padding, padding));
}
