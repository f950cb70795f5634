using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// An exit head. By default: global average pooling of a [N, C, H, W] activation, then <c>fc</c> = Linear(C, outputs)
/// (a [N, F] activation goes straight to <c>fc</c>). Options add a conv3x3-BN-ReLU block before the pooling
/// (<c>conv.0</c>, <c>conv.1</c>), flatten instead of pooling, and hidden Linear-ReLU-Dropout layers
/// (<c>hidden.*</c>) before <c>fc</c>.
/// </summary>
public sealed class ExitBranch : nn.Module<Tensor, Tensor>, ITraceableModule
{
    [ComponentName(Name = "conv")]
    private readonly Sequential? _conv;
    [ComponentName(Name = "hidden")]
    private readonly Sequential? _hidden;
    [ComponentName(Name = "fc")]
    private readonly Linear _fc;
    private readonly bool _flatten;
    private readonly int _pooledFeatures;

    /// <summary>Creates the default head: global average pooling (for images) and Linear(<paramref name="features"/>, <paramref name="outputs"/>).</summary>
    public ExitBranch(int features, int outputs)
        : this(features, outputs, new ExitBranchOptions())
    {
    }

    /// <summary>Creates a head with the given options; <paramref name="features"/> is the channel count (or, with flatten, C*H*W).</summary>
    public ExitBranch(int features, int outputs, ExitBranchOptions options)
        : base(nameof(ExitBranch))
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 2);
        if (!(options.Dropout >= 0 && options.Dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Dropout, $"ExitBranchOptions.Dropout is {options.Dropout}; expected a probability in [0, 1).");
        }

        Outputs = outputs;
        InFeatures = features;
        _flatten = options.Flatten;
        int width = features;
        if (options.ConvChannels > 0)
        {
            if (options.Flatten)
            {
                throw new ArgumentException("ExitBranchOptions: a conv block with flatten would need the spatial size; use global pooling with a conv block.", nameof(options));
            }

            _conv = nn.Sequential(nn.Conv2d(features, options.ConvChannels, 3, 1, 1, bias: false), nn.BatchNorm2d(options.ConvChannels), nn.ReLU());
            register_module("conv", _conv);
            width = options.ConvChannels;
        }

        _pooledFeatures = width;
        if (options.HiddenFeatures is { Count: > 0 } hidden)
        {
            _hidden = nn.Sequential();
            foreach (int h in hidden)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(h, 1, nameof(options));
                _hidden.append(nn.Linear(width, h));
                _hidden.append(nn.ReLU());
                if (options.Dropout > 0)
                {
                    _hidden.append(nn.Dropout(options.Dropout));
                }

                width = h;
            }

            register_module("hidden", _hidden);
        }

        _fc = nn.Linear(width, outputs);
        register_module("fc", _fc);
    }

    /// <summary>Number of logits.</summary>
    public int Outputs { get; }

    /// <summary>Channels (or flattened features) the head expects.</summary>
    public int InFeatures { get; }

    /// <summary>Whether a [N, C, H, W] input is flattened (true) or globally average-pooled (false) before the linear layers.</summary>
    internal bool Flattens => _flatten;

    /// <summary>The device of the head's output layer.</summary>
    internal Device Device => _fc.weight.device;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var conv = _conv?.call(input);
        var x = conv ?? input;
        using var pooled = x.dim() != 4 ? null : _flatten ? x.flatten(1) : Pool(x);
        x = pooled ?? x;
        if (x.dim() != 2 || x.shape[1] != _pooledFeatures)
        {
            throw new ArgumentException($"ExitBranch: input has shape [{string.Join(", ", input.shape)}]; expected {_pooledFeatures} features per sample (after {(_flatten ? "flattening" : "global average pooling")}).", nameof(input));
        }

        using var hidden = _hidden?.call(x);
        return _fc.call(hidden ?? x);
    }

    /// <inheritdoc />
    LayerTrace ITraceableModule.Trace(long[] input)
    {
        var conv = _conv is null ? new LayerTrace(input, 0) : ModuleTrace.Trace(_conv, input);
        var shape = conv.Output;
        if (shape.Length == 3)
        {
            shape = _flatten ? [shape[0] * shape[1] * shape[2]] : [shape[0]];
        }

        if (shape.Length != 1 || shape[0] != _pooledFeatures)
        {
            throw new ArgumentException($"ExitBranch got samples of shape {ModuleTrace.Format(input)}; expected {_pooledFeatures} features per sample (after {(_flatten ? "flattening" : "global average pooling")}).");
        }

        var hidden = _hidden is null ? new LayerTrace(shape, 0) : ModuleTrace.Trace(_hidden, shape);
        var fc = ModuleTrace.Trace(_fc, hidden.Output);
        return new(fc.Output, conv.Macs + hidden.Macs + fc.Macs);
    }

    private static Tensor Pool(Tensor x)
    {
        // As PyTorch's torch.flatten(F.adaptive_avg_pool2d(x, 1), 1), so logits match a PyTorch head bit for bit.
        using var pooled = nn.functional.adaptive_avg_pool2d(x, 1);
        return pooled.flatten(1);
    }
}
