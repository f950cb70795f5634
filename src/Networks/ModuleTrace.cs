using TorchSharp;
using TorchSharp.Modules;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// Shapes and multiply-accumulates (MACs) of one sample through a module, computed from the layers' hyperparameters
/// alone (no tensor is created). A convolution costs out_channels x in_channels / groups x kernel area MACs per output
/// position, a linear layer in x out; batch norm, activations, pooling, dropout, flattening and additions cost none.
/// A shape a layer cannot take is an <see cref="ArgumentException"/> naming the layer and what it expected.
/// </summary>
internal static class ModuleTrace
{
    internal static LayerTrace Trace(torch.nn.Module module, long[] input) => module switch
    {
        ITraceableModule composite => composite.Trace(input),
        Sequential sequential => Sequence(sequential.children(), input),
        Conv2d conv => Conv(conv, input),
        Linear linear => Dense(linear, input),
        BatchNorm2d norm => SameShape(input, 3, norm.num_features, "BatchNorm2d"),
        MaxPool2d pool => Pool(pool, input),
        ReLU or Dropout or Identity => new(input, 0),
        Flatten => new([input.Aggregate(1L, (a, d) => a * d)], 0),
        _ => throw new NotSupportedException($"No shape rule for module {module.GetType().Name}; multi-exit networks are built from Conv2d, BatchNorm2d, ReLU, MaxPool2d, Linear, Dropout, Flatten, Sequential, BasicBlock and ExitBranch."),
    };

    internal static LayerTrace Sequence(IEnumerable<torch.nn.Module> layers, long[] input)
    {
        long macs = 0;
        var shape = input;
        foreach (var layer in layers)
        {
            var step = Trace(layer, shape);
            shape = step.Output;
            macs += step.Macs;
        }

        return new(shape, macs);
    }

    internal static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static LayerTrace Conv(Conv2d conv, long[] input)
    {
        SameShape(input, 3, conv.in_channels, "Conv2d");
        var padding = conv.padding ?? throw new NotSupportedException("Conv2d with a padding mode name ('same', 'valid') has no shape rule here; give explicit padding.");
        long h = Out(input[1], conv.kernel_size[0], conv.stride[0], padding[0], conv.dilation[0], "Conv2d", input);
        long w = Out(input[2], conv.kernel_size[1], conv.stride[1], padding[1], conv.dilation[1], "Conv2d", input);
        long perPosition = conv.in_channels / conv.groups * conv.kernel_size[0] * conv.kernel_size[1];
        return new([conv.out_channels, h, w], conv.out_channels * perPosition * h * w);
    }

    private static LayerTrace Dense(Linear linear, long[] input)
    {
        if (input.Length != 1 || input[0] != linear.in_features)
        {
            throw new ArgumentException($"Linear({linear.in_features}, {linear.out_features}) got samples of shape {Format(input)}; expected [{linear.in_features}].");
        }

        return new([linear.out_features], linear.in_features * linear.out_features);
    }

    private static LayerTrace Pool(MaxPool2d pool, long[] input)
    {
        if (input.Length != 3)
        {
            throw new ArgumentException($"MaxPool2d got samples of shape {Format(input)}; expected [C, H, W].");
        }

        long stride0 = pool.stride?[0] ?? pool.kernel_size[0], stride1 = pool.stride?[1] ?? pool.kernel_size[1];
        if (pool.ceil_mode)
        {
            throw new NotSupportedException("MaxPool2d with ceil_mode has no shape rule here.");
        }

        long h = Out(input[1], pool.kernel_size[0], stride0, pool.padding?[0] ?? 0, pool.dilation?[0] ?? 1, "MaxPool2d", input);
        long w = Out(input[2], pool.kernel_size[1], stride1, pool.padding?[1] ?? 0, pool.dilation?[1] ?? 1, "MaxPool2d", input);
        return new([input[0], h, w], 0);
    }

    private static LayerTrace SameShape(long[] input, int rank, long channels, string layer)
    {
        if (input.Length != rank || input[0] != channels)
        {
            throw new ArgumentException($"{layer} with {channels} channels got samples of shape {Format(input)}; expected [{channels}, H, W].");
        }

        return new(input, 0);
    }

    private static long Out(long size, long kernel, long stride, long padding, long dilation, string layer, long[] input)
    {
        long result = ((size + (2 * padding) - (dilation * (kernel - 1)) - 1) / stride) + 1;
        if (result < 1)
        {
            throw new ArgumentException($"{layer} (kernel {kernel}, stride {stride}, padding {padding}) got samples of shape {Format(input)}, too small for it.");
        }

        return result;
    }
}
