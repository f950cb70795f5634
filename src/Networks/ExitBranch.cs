using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Nn;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// An exit head. By default: global average pooling of a [N, C, H, W] activation, then <c>fc</c> = Linear(C, outputs)
/// (a [N, F] activation goes straight to <c>fc</c>). Options add a conv3x3-BN-ReLU block before the pooling
/// (<c>conv.0</c>, <c>conv.1</c>), flatten instead of pooling, and hidden Linear-ReLU-Dropout layers
/// (<c>hidden.*</c>) before <c>fc</c>.
/// </summary>
public sealed class ExitBranch : Module<Tensor, Tensor>
{
    private readonly Sequential? _conv;
    private readonly Sequential? _hidden;
    private readonly Linear _fc;
    private readonly bool _flatten;
    private readonly int _pooledFeatures;

    /// <summary>Creates the default head: global average pooling (for images) and Linear(<paramref name="features"/>, <paramref name="outputs"/>).</summary>
    public ExitBranch(int features, int outputs, Generator? generator = null)
        : this(features, outputs, new ExitBranchOptions(), generator)
    {
    }

    /// <summary>Creates a head with the given options; <paramref name="features"/> is the channel count (or, with flatten, C*H*W).</summary>
    public ExitBranch(int features, int outputs, ExitBranchOptions options, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 2);
        Outputs = outputs;
        _flatten = options.Flatten;
        int width = features;
        if (options.ConvChannels > 0)
        {
            if (options.Flatten)
            {
                throw new ArgumentException("ExitBranchOptions: a conv block with flatten would need the spatial size; use global pooling with a conv block.", nameof(options));
            }

            _conv = RegisterModule("conv", new Sequential(
                new Conv2d(features, options.ConvChannels, 3, 1, 1, bias: false, generator),
                new BatchNorm2d(options.ConvChannels),
                new ReLU()));
            width = options.ConvChannels;
        }

        _pooledFeatures = width;
        if (options.HiddenFeatures is { Count: > 0 } hidden)
        {
            _hidden = RegisterModule("hidden", new Sequential());
            foreach (int h in hidden)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(h, 1, nameof(options));
                _hidden.Append(new Linear(width, h, bias: true, generator));
                _hidden.Append(new ReLU());
                if (options.Dropout > 0)
                {
                    _hidden.Append(new Dropout(options.Dropout, generator));
                }

                width = h;
            }
        }

        InFeatures = features;
        _fc = RegisterModule("fc", new Linear(width, outputs, bias: true, generator));
    }

    /// <summary>Number of logits.</summary>
    public int Outputs { get; }

    /// <summary>Channels (or flattened features) the head expects.</summary>
    public int InFeatures { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var x = _conv?.Forward(input) ?? input;
        if (x.Rank == 4)
        {
            x = _flatten ? Functional.Flatten(x, 1) : Functional.GlobalAvgPool2d(x);
        }

        if (x.Rank != 2 || x.Size(1) != _pooledFeatures)
        {
            throw Functional.ShapeError("ExitBranch", nameof(input), input, $"{_pooledFeatures} features per sample (after {(_flatten ? "flattening" : "global average pooling")})");
        }

        x = _hidden?.Forward(x) ?? x;
        return _fc.Forward(x);
    }
}
