namespace ClassyNet.MLNet.Tensors.Nn;

/// <summary>
/// Batch normalisation over channels of [N, C, H, W] (PyTorch's <c>nn.BatchNorm2d</c>): weight 1, bias 0,
/// running_mean 0, running_var 1, num_batches_tracked 0; eps 1e-5, momentum 0.1.
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    public BatchNorm2d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f, bool affine = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        if (!(eps > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive.");
        }

        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1].");
        }

        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }

        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros());
    }

    /// <summary>Channels.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public float Eps { get; }

    /// <summary>Weight of the new batch statistic in the running average.</summary>
    public float Momentum { get; }

    /// <summary>Scale per channel (null without affine).</summary>
    public Tensor? Weight { get; }

    /// <summary>Shift per channel (null without affine).</summary>
    public Tensor? Bias { get; }

    /// <summary>Running mean per channel.</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running (unbiased) variance per channel.</summary>
    public Tensor RunningVar { get; }

    /// <summary>Number of training batches seen (a rank-0 tensor, as in PyTorch).</summary>
    public Tensor NumBatchesTracked { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank == 4 && input.Size(1) != NumFeatures)
        {
            throw Functional.ShapeError("BatchNorm2d", nameof(input), input, $"[N, {NumFeatures}, H, W]");
        }

        if (IsTraining)
        {
            NumBatchesTracked.AsSpan()[0] += 1;
        }

        return Functional.BatchNorm2d(input, RunningMean, RunningVar, Weight, Bias, IsTraining, Momentum, Eps);
    }
}
