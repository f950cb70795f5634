namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>Dropout (PyTorch's <c>nn.Dropout</c>, p = 0.5): active only in training mode.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    private readonly Generator? _generator;

    /// <summary>Creates the layer with drop probability <paramref name="p"/>.</summary>
    public Dropout(float p = 0.5f, Generator? generator = null)
    {
        if (!(p >= 0f && p <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1].");
        }

        P = p;
        _generator = generator;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public float P { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, IsTraining, _generator);
}
