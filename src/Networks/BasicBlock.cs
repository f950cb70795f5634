using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// ResNet basic block: conv3x3-BN-ReLU-conv3x3-BN plus a shortcut, then ReLU. The shortcut is conv1x1 (no bias) + BN
/// when the stride or channel count changes (option B of the ResNet paper), identity otherwise. State-dict names
/// follow torchvision: <c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c>, <c>shortcut.0</c>, <c>shortcut.1</c>.
/// The channels between the two convolutions equal the output channels unless filter pruning narrowed them.
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>, ITraceableModule
{
    [ComponentName(Name = "conv1")]
    private readonly Conv2d _conv1;
    [ComponentName(Name = "bn1")]
    private readonly BatchNorm2d _bn1;
    [ComponentName(Name = "conv2")]
    private readonly Conv2d _conv2;
    [ComponentName(Name = "bn2")]
    private readonly BatchNorm2d _bn2;
    [ComponentName(Name = "shortcut")]
    private readonly Sequential? _shortcut;

    /// <summary>
    /// Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/> with the given stride;
    /// <paramref name="midChannels"/> (default <paramref name="outChannels"/>) is the width between the convolutions.
    /// </summary>
    public BasicBlock(int inChannels, int outChannels, int stride = 1, int? midChannels = null)
        : base(nameof(BasicBlock))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        int mid = midChannels ?? outChannels;
        ArgumentOutOfRangeException.ThrowIfLessThan(mid, 1, nameof(midChannels));
        _conv1 = nn.Conv2d(inChannels, mid, 3, stride, 1, bias: false);
        _bn1 = nn.BatchNorm2d(mid);
        _conv2 = nn.Conv2d(mid, outChannels, 3, 1, 1, bias: false);
        _bn2 = nn.BatchNorm2d(outChannels);
        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        register_module("conv2", _conv2);
        register_module("bn2", _bn2);
        if (stride != 1 || inChannels != outChannels)
        {
            _shortcut = nn.Sequential(nn.Conv2d(inChannels, outChannels, 1, stride, 0, bias: false), nn.BatchNorm2d(outChannels));
            register_module("shortcut", _shortcut);
        }
    }

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
            throw new ArgumentException($"BasicBlock: the residual branch gives {ModuleTrace.Format(main.Output)} but the shortcut {ModuleTrace.Format(skip.Output)} for samples of shape {ModuleTrace.Format(input)}.");
        }

        return new(main.Output, main.Macs + skip.Macs);
    }
}
