using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// A backbone cut into ordered stages with an exit head after each stage: <c>stem</c>, <c>stages.i</c> and
/// <c>exits.i</c>, a TorchSharp module whose state-dict names and order are PyTorch's for the same layout. Exit i reads
/// the activation after stage i; the last exit is the network's ordinary output. Stages can be run one at a time
/// (<see cref="ForwardStage"/>, <see cref="ForwardExit"/>) so inference can stop after any exit and continue from the
/// activation it stopped at.
/// </summary>
public sealed class MultiExitNetwork : nn.Module<Tensor, IReadOnlyList<Tensor>>
{
    [ComponentName(Name = "stem")]
    private readonly Sequential _stem;
    [ComponentName(Name = "stages")]
    private readonly ModuleList<Sequential> _stages;
    [ComponentName(Name = "exits")]
    private readonly ModuleList<ExitBranch> _exits;
    private readonly ExitBranch[] _exitArray;
    private readonly Sequential[] _stageArray;

    /// <summary>Creates the network; <paramref name="stages"/> and <paramref name="exits"/> must have the same count.</summary>
    public MultiExitNetwork(Sequential stem, IReadOnlyList<Sequential> stages, IReadOnlyList<ExitBranch> exits)
        : base(nameof(MultiExitNetwork))
    {
        ArgumentNullException.ThrowIfNull(stem);
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(exits);
        if (stages.Count == 0 || stages.Count != exits.Count)
        {
            throw new ArgumentException($"A multi-exit network needs one exit per stage and at least one stage; got {stages.Count} stages and {exits.Count} exits.", nameof(exits));
        }

        _stem = stem;
        _stageArray = [.. stages];
        _exitArray = [.. exits];
        _stages = new ModuleList<Sequential>(_stageArray);
        _exits = new ModuleList<ExitBranch>(_exitArray);
        register_module("stem", _stem);
        register_module("stages", _stages);
        register_module("exits", _exits);
    }

    /// <summary>Number of exits (= stages).</summary>
    public int ExitCount => _exitArray.Length;

    /// <summary>The exit heads.</summary>
    public IReadOnlyList<ExitBranch> Exits => _exitArray;

    /// <summary>The stem (run before stage 0; empty for the MLP and AlexNet).</summary>
    internal Sequential Stem => _stem;

    /// <summary>The stages, first to last.</summary>
    internal IReadOnlyList<Sequential> Stages => _stageArray;

    /// <summary>The device of the network's parameters (where inputs must be).</summary>
    public Device Device => _exitArray[^1].Device;

    /// <summary>Runs stage <paramref name="stage"/> on its input (the raw input for stage 0, which starts with the stem).</summary>
    public Tensor ForwardStage(int stage, Tensor input)
    {
        CheckIndex(stage, nameof(stage));
        ArgumentNullException.ThrowIfNull(input);
        if (stage > 0)
        {
            return _stageArray[stage].call(input);
        }

        using var stem = _stem.call(input);
        return _stageArray[0].call(stem);
    }

    /// <summary>Logits of exit <paramref name="exit"/> from the activation after stage <paramref name="exit"/>.</summary>
    public Tensor ForwardExit(int exit, Tensor activation)
    {
        CheckIndex(exit, nameof(exit));
        return _exitArray[exit].call(activation);
    }

    /// <summary>Logits of every exit, first to last.</summary>
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        var logits = new Tensor[ExitCount];
        var x = input;
        for (int i = 0; i < ExitCount; i++)
        {
            var next = ForwardStage(i, x);
            if (!ReferenceEquals(x, input))
            {
                x.Dispose();
            }

            x = next;
            logits[i] = ForwardExit(i, x);
        }

        if (!ReferenceEquals(x, input))
        {
            x.Dispose();
        }

        return logits;
    }

    /// <summary>
    /// The state dict in PyTorch's order (each module's own parameters, then its buffers, then its children), so a file
    /// written from it lists its tensors as <c>torch.nn.Module.state_dict()</c> does for the same layout.
    /// </summary>
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
    {
        destination ??= [];
        StateDicts.AddInPyTorchOrder(this, string.IsNullOrEmpty(prefix) ? string.Empty : prefix + ".", destination);
        return destination;
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the network's parameters and buffers after checking everything first:
    /// with <paramref name="strict"/> every name must match, and every shape must match always; a mismatch is an
    /// <see cref="ArgumentException"/> listing the names and shapes (PyTorch's wording) and leaves the network
    /// untouched. Values are converted to each target's dtype (PyTorch stores <c>num_batches_tracked</c> as int64).
    /// </summary>
    public override (IList<string> missing_keys, IList<string> unexpected_keyes) load_state_dict(Dictionary<string, Tensor> source, bool strict = true, IList<string>? skip = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return StateDicts.Load(state_dict(), source, strict, skip);
    }

    private void CheckIndex(int index, string argument)
    {
        if ((uint)index >= (uint)ExitCount)
        {
            throw new ArgumentOutOfRangeException(argument, index, $"{argument} must be in [0, {ExitCount}).");
        }
    }
}
