using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>
/// Element masks of the weights <see cref="MagnitudePruner"/> removed: 1 keeps a weight, 0 holds it at zero. The tensors
/// stay dense, so the network's size and speed on a dense executor do not change; what shrinks is the number of
/// non-zero parameters a sparse format would store.
/// </summary>
public sealed class PruningMasks : IDisposable
{
    private readonly Dictionary<string, Tensor> _masks;

    internal PruningMasks(Dictionary<string, Tensor> masks, double sensitivity)
    {
        _masks = masks;
        Sensitivity = sensitivity;
    }

    /// <summary>The multiple s of each layer's weight standard deviation below which weights were removed.</summary>
    public double Sensitivity { get; }

    /// <summary>Parameter names that are masked.</summary>
    public IReadOnlyCollection<string> Names => _masks.Keys;

    /// <summary>Weights kept (mask = 1) over all masked tensors.</summary>
    public long Kept
    {
        get
        {
            using var scope = NewDisposeScope();
            return _masks.Values.Sum(m => m.count_nonzero().item<long>());
        }
    }

    /// <summary>Zeroes the removed weights of <paramref name="network"/> again (after an optimiser step moved them).</summary>
    public void Apply(MultiExitNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var noGrad = no_grad();
        foreach (var (name, p) in network.named_parameters())
        {
            if (_masks.TryGetValue(name, out var mask))
            {
                p.mul_(mask.device == p.device ? mask : mask.to(p.device));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var mask in _masks.Values)
        {
            mask.Dispose();
        }

        _masks.Clear();
    }
}
