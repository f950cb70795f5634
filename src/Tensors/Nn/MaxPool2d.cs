namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>2-D max pooling (PyTorch's <c>nn.MaxPool2d</c>); stride defaults to the kernel size.</summary>
/// <param name="kernelSize">Square window size.</param>
/// <param name="stride">Step between windows (default: the kernel size).</param>
/// <param name="padding">Implicit negative-infinity padding on each side.</param>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0) : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Functional.MaxPool2d(input, (kernelSize, kernelSize), (stride ?? kernelSize, stride ?? kernelSize), (padding, padding));
}
