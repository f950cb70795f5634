using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>
/// Unstructured magnitude pruning with per-layer sensitivity thresholds, as Distiller's sensitivity pruner does
/// (Han et al.): in every convolution and linear layer the weights with |w| &lt; s x std(layer's weights) are set to zero
/// and held there by a mask. One sensitivity s is used for all layers, the smallest that leaves at most the allowed
/// number of non-zero parameters (biases and batch-norm parameters are not pruned but are counted).
/// </summary>
public static class MagnitudePruner
{
    /// <summary>
    /// Prunes <paramref name="network"/> in place to at most <paramref name="maxParameters"/> non-zero trainable
    /// parameters and returns the masks (dispose them when done).
    /// </summary>
    /// <exception cref="ArgumentException">The unprunable parameters alone exceed <paramref name="maxParameters"/>.</exception>
    public static PruningMasks Prune(MultiExitNetwork network, long maxParameters)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegative(maxParameters);
        var prunable = network.named_parameters().Where(p => p.parameter.dim() >= 2).ToArray();
        long fixedCount = network.parameters().Where(p => p.dim() < 2).Sum(p => p.numel());
        long budget = maxParameters - fixedCount;
        if (budget < 0)
        {
            throw new ArgumentException($"maxParameters is {maxParameters:N0}, but the biases and batch-norm parameters alone are {fixedCount:N0}; magnitude pruning removes only convolution and linear weights.", nameof(maxParameters));
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var scaled = prunable.Select(p =>
        {
            double sigma = p.parameter.std().item<float>();
            return (p.name, Scaled: (p.parameter.abs() / (sigma > 0 ? sigma : 1)).cpu());
        }).ToArray();
        long Kept(double s)
        {
            using var counting = NewDisposeScope();
            return scaled.Sum(x => x.Scaled.gt(s).sum().item<long>());
        }

        double lo = 0, hi = 0;
        if (Kept(0) > budget)
        {
            hi = scaled.Max(x => x.Scaled.max().item<float>()) + 1;
            for (int i = 0; i < 64; i++)
            {
                double mid = (lo + hi) / 2;
                if (Kept(mid) > budget)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }
        }

        var masks = scaled.ToDictionary(x => x.name, x => scope.Detach(x.Scaled.gt(hi).to(ScalarType.Float32)));
        var result = new PruningMasks(masks, hi);
        result.Apply(network);
        return result;
    }

    /// <summary>Non-zero trainable parameters of <paramref name="network"/>.</summary>
    public static long NonZeroParameters(MultiExitNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return network.parameters().Sum(p => p.count_nonzero().item<long>());
    }
}
