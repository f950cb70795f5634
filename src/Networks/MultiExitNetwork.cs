using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Nn;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// A backbone cut into ordered stages with an exit head after each stage: <c>stem</c>, <c>stages.i</c> and
/// <c>exits.i</c>. Exit i reads the activation after stage i; the last exit is the network's ordinary output.
/// Stages can be run one at a time so inference can stop after any exit or resume from a saved activation.
/// </summary>
public sealed class MultiExitNetwork : Module<Tensor, IReadOnlyList<Tensor>>
{
    private readonly Module<Tensor, Tensor> _stem;
    private readonly ModuleList<Sequential> _stages;
    private readonly ModuleList<ExitBranch> _exits;

    /// <summary>Creates the network; <paramref name="stages"/> and <paramref name="exits"/> must have the same count.</summary>
    public MultiExitNetwork(Module<Tensor, Tensor> stem, IReadOnlyList<Sequential> stages, IReadOnlyList<ExitBranch> exits)
    {
        ArgumentNullException.ThrowIfNull(stem);
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(exits);
        if (stages.Count == 0 || stages.Count != exits.Count)
        {
            throw new ArgumentException($"A multi-exit network needs one exit per stage and at least one stage; got {stages.Count} stages and {exits.Count} exits.", nameof(exits));
        }

        _stem = RegisterModule("stem", stem);
        _stages = RegisterModule("stages", new ModuleList<Sequential>(stages.ToArray()));
        _exits = RegisterModule("exits", new ModuleList<ExitBranch>(exits.ToArray()));
    }

    /// <summary>Number of exits (= stages).</summary>
    public int ExitCount => _exits.Count;

    /// <summary>The exit heads.</summary>
    public IReadOnlyList<ExitBranch> Exits => _exits;

    /// <summary>Runs stage <paramref name="stage"/> on its input (the raw input for stage 0, which starts with the stem).</summary>
    public Tensor ForwardStage(int stage, Tensor input)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stage);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stage, ExitCount);
        var x = stage == 0 ? _stem.Forward(input) : input;
        return _stages[stage].Forward(x);
    }

    /// <summary>Logits of exit <paramref name="exit"/> from the activation after stage <paramref name="exit"/>.</summary>
    public Tensor ForwardExit(int exit, Tensor activation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(exit, ExitCount);
        return _exits[exit].Forward(activation);
    }

    /// <summary>Logits of every exit, first to last.</summary>
    public override IReadOnlyList<Tensor> Forward(Tensor input)
    {
        var logits = new Tensor[ExitCount];
        var x = input;
        for (int i = 0; i < ExitCount; i++)
        {
            x = ForwardStage(i, x);
            logits[i] = ForwardExit(i, x);
        }

        return logits;
    }
}
