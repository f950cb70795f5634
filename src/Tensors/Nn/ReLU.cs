namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>Rectified linear unit (PyTorch's <c>nn.ReLU</c>).</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Relu(input);
}
