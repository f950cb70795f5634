namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>Flattens dimensions startDim..endDim (PyTorch's <c>nn.Flatten</c>, default 1..-1).</summary>
/// <param name="startDim">First dimension to merge.</param>
/// <param name="endDim">Last dimension to merge.</param>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Flatten(input, startDim, endDim);
}
