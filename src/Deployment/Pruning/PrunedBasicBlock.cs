using ClassyNet.MLNet.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>
/// A ResNet basic block after filter pruning: conv3x3 (<c>in</c> to <c>mid</c>) - BN - ReLU - conv3x3 (<c>mid</c> to
/// <c>out</c>) - BN, plus the shortcut (conv1x1 + BN where the unpruned block had one, identity otherwise), then ReLU.
/// With <c>mid = out</c> it computes what <see cref="BasicBlock"/> does; the state-dict names are the same
/// (<c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c>, <c>shortcut.0</c>, <c>shortcut.1</c>).
/// </summary>
public sealed class PrunedBasicBlock : nn.Module<Tensor, Tensor>, ITraceableModule
{
    [TorchSharp.Utils.ComponentName(Name = "conv1")]
    private readonly Conv2d _conv1;
    [TorchSharp.Utils.ComponentName(Name = "bn1")]
    private readonly BatchNorm2d _bn1;
    [TorchSharp.Utils.ComponentName(Name = "conv2")]
    private readonly Conv2d _conv2;
    [TorchSharp.Utils.ComponentName(Name = "bn2")]
    private readonly BatchNorm2d _bn2;
    [TorchSharp.Utils.ComponentName(Name = "shortcut")]
    private readonly Sequential? _shortcut;

    /// <summary>Creates the block; an identity shortcut (<paramref name="shortcut"/> false) needs stride 1 and <paramref name="inChannels"/> = <paramref name="outChannels"/>.</summary>
    public PrunedBasicBlock(int inChannels, int midChannels, int outChannels, int stride, bool shortcut)
        : base(nameof(PrunedBasicBlock))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(midChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        if (!shortcut && (stride != 1 || inChannels != outChannels))
        {
            throw new ArgumentException($"An identity shortcut needs stride 1 and equal channels; got stride {stride}, {inChannels} in and {outChannels} out channels.", nameof(shortcut));
        }

        InChannels = inChannels;
        MidChannels = midChannels;
        OutChannels = outChannels;
        _conv1 = nn.Conv2d(inChannels, midChannels, 3, stride, 1, bias: false);
        _bn1 = nn.BatchNorm2d(midChannels);
        _conv2 = nn.Conv2d(midChannels, outChannels, 3, 1, 1, bias: false);
        _bn2 = nn.BatchNorm2d(outChannels);
        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        register_module("conv2", _conv2);
        register_module("bn2", _bn2);
        if (shortcut)
        {
            _shortcut = nn.Sequential(nn.Conv2d(inChannels, outChannels, 1, stride, 0, bias: false), nn.BatchNorm2d(outChannels));
            register_module("shortcut", _shortcut);
        }
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Channels between the two convolutions.</summary>
    public int MidChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var a = _conv1.call(input);
        using var b = _bn1.call(a);
        using var c = nn.functional.relu(b);
        using var d = _conv2.call(c);
        using var e = _bn2.call(d);
        using var skip = _shortcut?.call(input);
        using var sum = e + (skip ?? input);
        return nn.functional.relu(sum);
    }

    /// <inheritdoc />
    LayerTrace ITraceableModule.Trace(long[] input)
    {
        var main = ModuleTrace.Sequence([_conv1, _bn1, _conv2, _bn2], input);
        var skip = _shortcut is null ? new LayerTrace(input, 0) : ModuleTrace.Trace(_shortcut, input);
        if (!main.Output.SequenceEqual(skip.Output))
        {
            throw new ArgumentException($"PrunedBasicBlock: the residual branch gives {ModuleTrace.Format(main.Output)} but the shortcut {ModuleTrace.Format(skip.Output)} for samples of shape {ModuleTrace.Format(input)}.");
        }

        return new(main.Output, main.Macs + skip.Macs);
    }
}
