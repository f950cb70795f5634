namespace ClassyNet.MLNet.Tensors.Optim;

/// <summary>
/// Adam (PyTorch's <c>torch.optim.Adam</c>, amsgrad off) with PyTorch's update rule and defaults:
/// lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0 (L2 added to the gradient).
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>Creates the optimiser.</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : base(parameters, lr)
    {
        if (!(beta1 >= 0 && beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        }

        if (!(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Eps = CheckNonNegative(eps, nameof(eps));
        WeightDecay = CheckNonNegative(weightDecay, nameof(weightDecay));
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator.</summary>
    public double Eps { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc />
    protected override void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient)
    {
        var m = State(index, "exp_avg", out bool fresh).AsSpan();
        var v = State(index, "exp_avg_sq", out _).AsSpan();

        // PyTorch counts steps per parameter (a parameter without a gradient is skipped and its count stays put), so the
        // bias correction of a parameter that first gets a gradient late starts at t = 1. State saved before this count
        // existed resumes from the optimiser's global step.
        var step = ScalarState(index, "step", fresh ? 0 : StepCount - 1).AsSpan();
        long t = (long)(step[0] += 1);
        double bias1 = 1 - Math.Pow(Beta1, t);
        double bias2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, t));
        float stepSize = (float)(LearningRate / bias1);
        float b1 = (float)Beta1, b2 = (float)Beta2, oneMinusB1 = (float)(1 - Beta1), oneMinusB2 = (float)(1 - Beta2);
        float bias2SqrtF = (float)bias2Sqrt, eps = (float)Eps, wd = (float)WeightDecay;
        for (int i = 0; i < parameter.Length; i++)
        {
            float g = gradient[i] + wd * parameter[i];
            float mi = m[i] = b1 * m[i] + oneMinusB1 * g;
            float vi = v[i] = b2 * v[i] + oneMinusB2 * g * g;
            float denom = (MathF.Sqrt(vi) / bias2SqrtF) + eps;
            parameter[i] -= stepSize * (mi / denom);
        }
    }
}
