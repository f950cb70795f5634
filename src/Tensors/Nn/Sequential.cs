namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>Applies its children in order; children are named "0", "1", ... as in PyTorch.</summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _layers = [];

    /// <summary>Creates a sequence of <paramref name="layers"/>.</summary>
    public Sequential(params Module<Tensor, Tensor>[] layers)
    {
        foreach (var layer in layers)
        {
            Append(layer);
        }
    }

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>The layer at <paramref name="index"/>.</summary>
    public Module<Tensor, Tensor> this[int index] => _layers[index];

    /// <summary>Adds a layer at the end.</summary>
    public Sequential Append(Module<Tensor, Tensor> layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }
}
