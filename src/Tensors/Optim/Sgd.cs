namespace ClassyNet.MLNet.Tensors.Optim;

/// <summary>
/// Stochastic gradient descent (PyTorch's <c>torch.optim.SGD</c>) with momentum, dampening, Nesterov momentum and
/// L2 weight decay, following PyTorch's update rule (the momentum buffer starts as the first gradient).
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimiser.</summary>
    public Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameters, lr)
    {
        Momentum = CheckNonNegative(momentum, nameof(momentum));
        Dampening = CheckNonNegative(dampening, nameof(dampening));
        WeightDecay = CheckNonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException($"Nesterov momentum requires momentum > 0 and dampening 0 (got momentum {momentum}, dampening {dampening}).", nameof(nesterov));
        }

        Nesterov = nesterov;
    }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Dampening of the momentum.</summary>
    public double Dampening { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient)
    {
        float lr = (float)LearningRate, wd = (float)WeightDecay, mu = (float)Momentum, damp = (float)(1 - Dampening);
        Span<float> buffer = default;
        bool first = false;
        if (Momentum != 0)
        {
            buffer = State(index, "momentum_buffer", out first).AsSpan();
        }

        for (int i = 0; i < parameter.Length; i++)
        {
            float d = gradient[i] + wd * parameter[i];
            if (Momentum != 0)
            {
                float b = buffer[i] = first ? d : mu * buffer[i] + damp * d;
                d = Nesterov ? d + mu * b : b;
            }

            parameter[i] -= lr * d;
        }
    }
}
