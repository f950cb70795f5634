using System.Collections.Concurrent;
using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Networks;

namespace ClassyNet.Serving;

/// <summary>
/// A model version held by the registry: its cloud partitions (built on first use per split), the requests running on
/// it, and its retirement. A retired version takes no new request and, when the registry owns it, releases its weights
/// once the last running request has finished, so a hot swap never pulls weights from under a request.
/// </summary>
internal sealed class LoadedCloudModel
{
    private readonly ConcurrentDictionary<int, Lazy<CloudPartition>> _partitions = new();
    private readonly object _gate = new();
    private readonly bool _owned;
    private int _inFlight;
    private bool _retired;
    private bool _released;

    internal LoadedCloudModel(ClassyNetModel model, ModelIdentity identity, bool owned)
    {
        Model = model;
        Identity = identity;
        _owned = owned;
        var accounting = NetworkAccounting.Measure(model.Network, model.InputShape);
        ActivationShapes = accounting.Exits.Take(model.ExitCount - 1).Select(e => e.ActivationShape).ToArray();
    }

    internal ClassyNetModel Model { get; }

    internal ModelIdentity Identity { get; }

    /// <summary>Activation shape of each split k = 1..M-1 (index k - 1).</summary>
    internal IReadOnlyList<IReadOnlyList<int>> ActivationShapes { get; }

    internal int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The cloud part after <paramref name="splitExit"/> exits (1..M-1), built once.</summary>
    internal CloudPartition Partition(int splitExit) =>
        _partitions.GetOrAdd(splitExit, k => new Lazy<CloudPartition>(() => new CloudPartition(Model, k))).Value;

    /// <summary>Counts a request in; false when the version is retired.</summary>
    internal bool TryEnter()
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            _inFlight++;
            return true;
        }
    }

    /// <summary>Counts a request out; the last one out of a retired version releases it.</summary>
    internal void Exit()
    {
        lock (_gate)
        {
            _inFlight--;
            ReleaseIfDrained();
        }
    }

    /// <summary>Takes no new request from now on; releases the weights at once when idle, else after the last request.</summary>
    internal void Retire()
    {
        lock (_gate)
        {
            _retired = true;
            ReleaseIfDrained();
        }
    }

    private void ReleaseIfDrained()
    {
        if (_retired && _inFlight == 0 && !_released)
        {
            _released = true;
            if (_owned)
            {
                Model.Network.Dispose();
            }
        }
    }
}
