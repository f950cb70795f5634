namespace ClassyNet.MLNet.Tensors;

/// <summary>One recorded operation: its inputs and the function that maps the output's gradient to theirs.</summary>
internal sealed class AutogradNode
{
    private Func<Tensor, Tensor?[]>? _backward;

    public AutogradNode(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Name = name;
        Inputs = inputs;
        _backward = backward;
    }

    public string Name { get; }

    public Tensor[] Inputs { get; private set; }

    public bool IsReleased => _backward is null;

    public bool NeedsInputGrad(int index) => Inputs[index].RequiresGrad;

    public Tensor?[] Apply(Tensor gradOutput)
    {
        var backward = _backward ?? throw new InvalidOperationException(
            $"Trying to backward through the graph a second time (node {Name}): its saved tensors were freed after the first Backward(). " +
            "Pass retainGraph: true to the first call if you need to backward twice.");
        return backward(gradOutput);
    }

    /// <summary>Drops the saved tensors so their memory can go back to the pool.</summary>
    public void Release()
    {
        _backward = null;
        Inputs = [];
    }
}
