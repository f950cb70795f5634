namespace ClassyNet.Edge;

/// <summary>
/// What the edge part decided for a batch: an answer for every sample that left at an edge exit, and for the others
/// (pending) their positions and the activations to hand on to the cloud part.
/// </summary>
public sealed class EdgeRunResult
{
    private readonly EdgeAnswer?[] _answers;
    private readonly int[] _pending;
    private readonly float[] _activations;

    internal EdgeRunResult(EdgeAnswer?[] answers, int[] pending, float[] activations)
    {
        _answers = answers;
        _pending = pending;
        _activations = activations;
    }

    /// <summary>Per sample in input order: the edge's answer, or null when the sample must go to the cloud.</summary>
    public IReadOnlyList<EdgeAnswer?> Answers => _answers;

    /// <summary>Positions (in the batch) of the samples that did not leave at an edge exit, ascending.</summary>
    public IReadOnlyList<int> Pending => _pending;

    /// <summary>The pending samples' activations, row-major in <see cref="Pending"/> order.</summary>
    public ReadOnlyMemory<float> PendingActivations => _activations;
}
