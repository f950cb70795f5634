using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Networks;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static ClassyNet.MLNet.Deployment.OnnxGraphBuilder;

namespace ClassyNet.MLNet.Deployment;

/// <summary>
/// Writes the edge part of a <see cref="ClassyNetModel"/> (its normalisation, the stem, stages 0..k-1 and exits 0..k-1)
/// as an ONNX graph, opset <see cref="Opset"/>. TorchSharp has no ONNX exporter, so the graph is written from the
/// modules themselves: every layer kind the architectures use has a rule (Conv2d to Conv, BatchNorm2d to
/// BatchNormalization in inference form, ReLU, MaxPool2d, Linear to Gemm, Flatten, Dropout and Identity dropped,
/// BasicBlock to its two convolutions plus the shortcut and Add, ExitBranch to its optional conv block, GlobalAveragePool
/// or Flatten, hidden layers and output layer); any other module is refused with its type and path named.
/// </summary>
/// <remarks>
/// Graph: input <see cref="InputName"/> [N, ...input shape] (raw samples, as the data loaders give them); for each edge
/// exit m, outputs <c>exit{m}_probabilities</c> [N, outputs] (softmax) and <c>exit{m}_entropy</c> [N]
/// (-sum softmax * log_softmax, the same formula as the library's loss and predictor); when the cloud holds later exits,
/// output <see cref="ActivationName"/> [N, ...] (the activation after stage k-1). The batch dimension is symbolic.
/// </remarks>
internal static class OnnxEdgeExporter
{
    /// <summary>The ONNX opset of the exported graphs.</summary>
    internal const int Opset = 17;

    /// <summary>The graph's input name.</summary>
    internal const string InputName = "input";

    /// <summary>The name of the activation output handed on to the cloud part.</summary>
    internal const string ActivationName = "activation";

    private const long IrVersion = 8; // the IR version of ONNX 1.12, which introduced opset 17

    /// <summary>Builds the graph of the edge part with exits 0..<paramref name="splitExit"/>-1 and returns it with each exit's output names.</summary>
    internal static (ModelProto Model, EdgePackageExit[] Exits, string? Activation) Build(ClassyNetModel model, int splitExit, ModelIdentity identity)
    {
        var network = model.Network;
        var graph = new OnnxGraphBuilder($"{identity.Id}-edge-{splitExit}");
        long[] shape = [.. model.InputShape.Select(d => (long)d)];
        string x = graph.Input(InputName, shape);
        x = Normalize(graph, model.Normalization, x, shape);
        var emitter = new Emitter(graph);
        var exits = new EdgePackageExit[splitExit];
        (x, shape) = emitter.Emit(network.Stem, "stem", x, shape);
        for (int m = 0; m < splitExit; m++)
        {
            (x, shape) = emitter.Emit(network.Stages[m], $"stages.{m}", x, shape);
            var (logits, logitShape) = emitter.Emit(network.Exits[m], $"exits.{m}", x, shape);
            string probabilities = graph.Node("Softmax", $"exit{m}_probabilities", [logits], Int("axis", 1));
            string logp = graph.Node("LogSoftmax", $"exits.{m}.log_softmax", [logits], Int("axis", 1));
            string p = graph.Node("Exp", $"exits.{m}.softmax", [logp]);
            string terms = graph.Node("Mul", $"exits.{m}.p_log_p", [p, logp]);
            string sum = graph.Node("ReduceSum", $"exits.{m}.sum_p_log_p", [terms, graph.Int64Initializer($"exits.{m}.axes", [1])], Int("keepdims", 0));
            string entropy = graph.Node("Neg", $"exit{m}_entropy", [sum]);
            graph.Output(probabilities, logitShape);
            graph.Output(entropy, []);
            exits[m] = new EdgePackageExit(m, model.ExitClasses.OutputClasses(m).ToArray(), probabilities, entropy);
        }

        string? activation = null;
        if (splitExit < network.ExitCount)
        {
            activation = graph.Node("Identity", ActivationName, [x]);
            graph.Output(activation, shape);
        }

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "ClassyNet.MLNet",
            ProducerVersion = typeof(OnnxEdgeExporter).Assembly.GetName().Version?.ToString() ?? "unknown",
            DocString = $"Edge part of {identity}: exits 1..{splitExit} of {network.ExitCount}.",
            Graph = graph.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        return (proto, exits, activation);
    }

    /// <summary>x' = (x * scale - mean[c]) * (1 / std[c]), exactly as <see cref="InputNormalization.Apply(Span{float}, IReadOnlyList{int})"/>.</summary>
    private static string Normalize(OnnxGraphBuilder graph, InputNormalization normalization, string x, long[] shape)
    {
        if (normalization.Scale != 1f)
        {
            x = graph.Node("Mul", "input.scaled", [x, graph.Initializer("normalization.scale", [normalization.Scale], [])]);
        }

        if (normalization.Mean.Count == 0)
        {
            return x;
        }

        // One value per channel (the first sample dimension), broadcast over the rest: [C, 1, 1] for images, [F] for features.
        long[] dims = [shape[0], .. Enumerable.Repeat(1L, shape.Length - 1)];
        var inverse = normalization.Std.Select(s => 1f / s).ToArray();
        x = graph.Node("Sub", "input.centred", [x, graph.Initializer("normalization.mean", [.. normalization.Mean], dims)]);
        return graph.Node("Mul", "input.normalized", [x, graph.Initializer("normalization.inverse_std", inverse, dims)]);
    }

    /// <summary>Walks modules, adding their nodes; shapes are per sample (no batch dimension).</summary>
    private sealed class Emitter(OnnxGraphBuilder graph)
    {
        private const string Supported = "Conv2d, BatchNorm2d, ReLU, MaxPool2d, Linear, Dropout, Identity, Flatten, Sequential, BasicBlock and ExitBranch";

        internal (string Value, long[] Shape) Emit(torch.nn.Module module, string path, string x, long[] shape) => module switch
        {
            BasicBlock block => Block(block, path, x, shape),
            ExitBranch exit => Exit(exit, path, x, shape),
            Sequential sequential => Sequence(sequential, path, x, shape),
            Conv2d conv => Conv(conv, path, x, shape),
            BatchNorm2d norm => BatchNorm(norm, path, x, shape),
            ReLU => (graph.Node("Relu", path, [x]), shape),
            MaxPool2d pool => MaxPool(pool, path, x, shape),
            Linear linear => Gemm(linear, path, x, shape),
            Dropout or Identity => (x, shape),
            Flatten flatten => Flat(flatten, path, x, shape),
            _ => throw new NotSupportedException($"ONNX export has no rule for module {module.GetType().Name} at '{path}'; the edge part can hold {Supported}."),
        };

        private (string, long[]) Sequence(Sequential sequential, string path, string x, long[] shape)
        {
            foreach (var (name, child) in sequential.named_children())
            {
                (x, shape) = Emit(child, $"{path}.{name}", x, shape);
            }

            return (x, shape);
        }

        private (string, long[]) Block(BasicBlock block, string path, string x, long[] shape)
        {
            var children = block.named_children().ToDictionary(c => c.name, c => c.module);
            var (a, s) = Emit(children["conv1"], $"{path}.conv1", x, shape);
            (a, s) = Emit(children["bn1"], $"{path}.bn1", a, s);
            a = graph.Node("Relu", $"{path}.relu1", [a]);
            (a, s) = Emit(children["conv2"], $"{path}.conv2", a, s);
            (a, s) = Emit(children["bn2"], $"{path}.bn2", a, s);
            string skip = children.TryGetValue("shortcut", out var shortcut) ? Emit(shortcut, $"{path}.shortcut", x, shape).Value : x;
            string sum = graph.Node("Add", $"{path}.add", [a, skip]);
            return (graph.Node("Relu", $"{path}.relu2", [sum]), s);
        }

        private (string, long[]) Exit(ExitBranch exit, string path, string x, long[] shape)
        {
            var children = exit.named_children().ToDictionary(c => c.name, c => c.module);
            if (children.TryGetValue("conv", out var conv))
            {
                (x, shape) = Emit(conv, $"{path}.conv", x, shape);
            }

            if (shape.Length == 3)
            {
                if (!exit.Flattens)
                {
                    x = graph.Node("GlobalAveragePool", $"{path}.pool", [x]);
                }

                x = graph.Node("Flatten", $"{path}.flatten", [x], Int("axis", 1));
                shape = exit.Flattens ? [shape[0] * shape[1] * shape[2]] : [shape[0]];
            }

            if (children.TryGetValue("hidden", out var hidden))
            {
                (x, shape) = Emit(hidden, $"{path}.hidden", x, shape);
            }

            return Emit(children["fc"], $"{path}.fc", x, shape);
        }

        private (string, long[]) Conv(Conv2d conv, string path, string x, long[] shape)
        {
            if (conv.padding is null || conv.padding_mode != TorchSharp.PaddingModes.Zeros)
            {
                throw new NotSupportedException($"ONNX export of Conv2d at '{path}': only explicit zero padding is supported (got padding {(conv.padding is null ? conv.padding_type?.ToString() : "[" + string.Join(", ", conv.padding) + "]")}, mode {conv.padding_mode}).");
            }

            var output = ModuleTrace.Trace(conv, shape).Output;
            var inputs = new List<string> { x, Weights(conv.weight, $"{path}.weight") };
            if (conv.bias is { } bias)
            {
                inputs.Add(Weights(bias, $"{path}.bias"));
            }

            string y = graph.Node(
                "Conv",
                path,
                inputs,
                Ints("kernel_shape", conv.kernel_size),
                Ints("strides", conv.stride),
                Ints("pads", [conv.padding[0], conv.padding[1], conv.padding[0], conv.padding[1]]),
                Ints("dilations", conv.dilation),
                Int("group", conv.groups));
            return (y, output);
        }

        private (string, long[]) BatchNorm(BatchNorm2d norm, string path, string x, long[] shape)
        {
            ModuleTrace.Trace(norm, shape);
            if (!norm.track_running_stats || norm.running_mean is null || norm.running_var is null)
            {
                throw new NotSupportedException($"ONNX export of BatchNorm2d at '{path}': it keeps no running statistics, so inference would normalise with batch statistics; only track_running_stats = true is supported.");
            }

            long channels = norm.num_features;
            string scale = norm.weight is { } w ? Weights(w, $"{path}.weight") : graph.Initializer($"{path}.weight", Enumerable.Repeat(1f, (int)channels).ToArray(), [channels]);
            string bias = norm.bias is { } b ? Weights(b, $"{path}.bias") : graph.Initializer($"{path}.bias", new float[channels], [channels]);
            string y = graph.Node(
                "BatchNormalization",
                path,
                [x, scale, bias, Weights(norm.running_mean, $"{path}.running_mean"), Weights(norm.running_var, $"{path}.running_var")],
                Float("epsilon", (float)norm.eps));
            return (y, shape);
        }

        private (string, long[]) MaxPool(MaxPool2d pool, string path, string x, long[] shape)
        {
            var output = ModuleTrace.Trace(pool, shape).Output;
            var padding = pool.padding ?? [0, 0];
            string y = graph.Node(
                "MaxPool",
                path,
                [x],
                Ints("kernel_shape", pool.kernel_size),
                Ints("strides", pool.stride ?? pool.kernel_size),
                Ints("pads", [padding[0], padding[1], padding[0], padding[1]]),
                Ints("dilations", pool.dilation ?? [1, 1]),
                Int("ceil_mode", pool.ceil_mode ? 1 : 0));
            return (y, output);
        }

        private (string, long[]) Gemm(Linear linear, string path, string x, long[] shape)
        {
            var output = ModuleTrace.Trace(linear, shape).Output;
            var inputs = new List<string> { x, Weights(linear.weight, $"{path}.weight") };
            if (linear.bias is { } bias)
            {
                inputs.Add(Weights(bias, $"{path}.bias"));
            }

            return (graph.Node("Gemm", path, inputs, Int("transB", 1)), output);
        }

        private (string, long[]) Flat(Flatten flatten, string path, string x, long[] shape)
        {
            if (flatten.start_dim != 1 || flatten.end_dim != -1)
            {
                throw new NotSupportedException($"ONNX export of Flatten at '{path}': only Flatten(1, -1) is supported (got start_dim {flatten.start_dim}, end_dim {flatten.end_dim}).");
            }

            return (graph.Node("Flatten", path, [x], Int("axis", 1)), [shape.Aggregate(1L, (a, d) => a * d)]);
        }

        private string Weights(torch.Tensor tensor, string name) => graph.Initializer(name, HostTensors.ToFloats(tensor), tensor.shape);
    }
}
