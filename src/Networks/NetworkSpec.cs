using System.Text.Json;
using TorchSharp;

namespace ClassyNet.MLNet.Networks;

/// <summary>
/// A serialisable description of a multi-exit architecture: enough to rebuild the same <see cref="MultiExitNetwork"/>
/// (same modules, same parameter names and shapes) with <see cref="Build"/>, so weights saved from one network load into
/// the rebuilt one. Create it with <see cref="ResNet(int, IReadOnlyList{int}, int, int, int, IReadOnlyList{int})"/>,
/// <see cref="Mlp(int, IReadOnlyList{int}, int, IReadOnlyList{int}, int)"/> or <see cref="AlexNet(int, int, int, IReadOnlyList{int})"/>;
/// round-trip it with <see cref="ToJson"/> and <see cref="FromJson"/>.
/// </summary>
/// <remarks>
/// The overloads without input size and class count (<c>NetworkSpec.ResNet(8, exitsAfterLayer: [3, 5, 8])</c>) give an
/// unsized spec (<see cref="IsSized"/> false): the ClassyNet trainer sizes it from the features column's [C, H, W]
/// dimensions and the label's class count (<see cref="SizedFor"/>); it cannot be built before that.
/// </remarks>
public sealed class NetworkSpec
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private NetworkSpec(NetworkKind kind, int depth, int[] exitsAfterLayer, int inChannels, int imageSize, int inputFeatures, int[] widths, int layersPerStage, int classes, int[] exitOutputs)
    {
        Kind = kind;
        Depth = depth;
        ExitsAfterLayer = exitsAfterLayer;
        InChannels = inChannels;
        ImageSize = imageSize;
        InputFeatures = inputFeatures;
        Widths = widths;
        LayersPerStage = layersPerStage;
        Classes = classes;
        ExitOutputs = exitOutputs;
    }

    /// <summary>The architecture family.</summary>
    public NetworkKind Kind { get; }

    /// <summary>ResNet depth (6n+2); 0 for the other kinds.</summary>
    public int Depth { get; }

    /// <summary>ResNet: conv-layer index after which each exit sits (the last is <see cref="Depth"/>); empty for the other kinds.</summary>
    public IReadOnlyList<int> ExitsAfterLayer { get; }

    /// <summary>Image channels (ResNet, AlexNet); 0 for the MLP.</summary>
    public int InChannels { get; }

    /// <summary>Image height = width (ResNet, AlexNet); 0 for the MLP.</summary>
    public int ImageSize { get; }

    /// <summary>MLP input features; 0 for the image networks.</summary>
    public int InputFeatures { get; }

    /// <summary>MLP stage widths (one stage and exit per width); empty for the image networks.</summary>
    public IReadOnlyList<int> Widths { get; }

    /// <summary>MLP Linear+ReLU layers per stage; 0 for the image networks.</summary>
    public int LayersPerStage { get; }

    /// <summary>Number of classes K (outputs of the final exit).</summary>
    public int Classes { get; }

    /// <summary>Logit count of each exit (|S_m| + 1 for an exit with a bag, K otherwise).</summary>
    public IReadOnlyList<int> ExitOutputs { get; }

    /// <summary>Number of exits M.</summary>
    public int ExitCount => Kind switch
    {
        NetworkKind.ResNet => ExitsAfterLayer.Count,
        NetworkKind.Mlp => Widths.Count,
        _ => 3,
    };

    /// <summary>
    /// False for a spec made without input size and class count (to be sized from the data by the trainer, or with
    /// <see cref="SizedFor"/>); true otherwise.
    /// </summary>
    public bool IsSized => Classes > 0;

    /// <summary>One sample's shape without the batch dimension: [C, H, W] for the image networks, [F] for the MLP.</summary>
    public IReadOnlyList<int> InputShape => Kind == NetworkKind.Mlp ? [InputFeatures] : [InChannels, ImageSize, ImageSize];

    /// <summary>
    /// A ResNet (<see cref="Architectures.ResNet"/>) for <paramref name="imageSize"/> x <paramref name="imageSize"/> images
    /// with <paramref name="inChannels"/> channels. <paramref name="exitOutputs"/> defaults to <paramref name="classes"/> at every exit.
    /// </summary>
    public static NetworkSpec ResNet(int depth, IReadOnlyList<int> exitsAfterLayer, int inChannels, int imageSize, int classes, IReadOnlyList<int>? exitOutputs = null)
    {
        ArgumentNullException.ThrowIfNull(exitsAfterLayer);
        var spec = new NetworkSpec(NetworkKind.ResNet, depth, exitsAfterLayer.ToArray(), inChannels, imageSize, 0, [], 0, classes, Outputs(exitOutputs, exitsAfterLayer.Count, classes));
        spec.Validate();
        return spec;
    }

    /// <summary>
    /// An unsized ResNet: depth and exit layers only; the ClassyNet trainer takes the channels and image size from the
    /// features column's [C, H, W] dimensions and the classes from the label (<see cref="SizedFor"/>).
    /// </summary>
    public static NetworkSpec ResNet(int depth, IReadOnlyList<int> exitsAfterLayer)
    {
        ArgumentNullException.ThrowIfNull(exitsAfterLayer);
        var spec = new NetworkSpec(NetworkKind.ResNet, depth, exitsAfterLayer.ToArray(), 0, 0, 0, [], 0, 0, []);
        spec.Validate();
        return spec;
    }

    /// <summary>An MLP (<see cref="Architectures.Mlp"/>) with one stage and exit per entry of <paramref name="widths"/>.</summary>
    public static NetworkSpec Mlp(int inputFeatures, IReadOnlyList<int> widths, int classes, IReadOnlyList<int>? exitOutputs = null, int layersPerStage = 1)
    {
        ArgumentNullException.ThrowIfNull(widths);
        var spec = new NetworkSpec(NetworkKind.Mlp, 0, [], 0, 0, inputFeatures, widths.ToArray(), layersPerStage, classes, Outputs(exitOutputs, widths.Count, classes));
        spec.Validate();
        return spec;
    }

    /// <summary>
    /// An unsized MLP: stage widths only; the ClassyNet trainer takes the input features from the features column and
    /// the classes from the label (<see cref="SizedFor"/>).
    /// </summary>
    public static NetworkSpec Mlp(IReadOnlyList<int> widths, int layersPerStage = 1)
    {
        ArgumentNullException.ThrowIfNull(widths);
        var spec = new NetworkSpec(NetworkKind.Mlp, 0, [], 0, 0, 0, widths.ToArray(), layersPerStage, 0, []);
        spec.Validate();
        return spec;
    }

    /// <summary>An unsized AlexNet-style 3-exit network; the trainer sizes it from the features' [C, H, W] and the label (<see cref="SizedFor"/>).</summary>
    public static NetworkSpec AlexNet()
    {
        var spec = new NetworkSpec(NetworkKind.AlexNet, 0, [], 0, 0, 0, [], 0, 0, []);
        spec.Validate();
        return spec;
    }

    /// <summary>The AlexNet-style 3-exit network (<see cref="Architectures.AlexNet"/>) with default exit branches.</summary>
    public static NetworkSpec AlexNet(int inChannels, int imageSize, int classes, IReadOnlyList<int>? exitOutputs = null)
    {
        var spec = new NetworkSpec(NetworkKind.AlexNet, 0, [], inChannels, imageSize, 0, [], 0, classes, Outputs(exitOutputs, 3, classes));
        spec.Validate();
        return spec;
    }

    /// <summary>
    /// The same architecture (depth, exit layers, widths) for samples of <paramref name="inputShape"/> and
    /// <paramref name="classes"/> classes, with <paramref name="classes"/> outputs at every exit: an image network needs
    /// [C, H, W] with H = W, an MLP takes any shape (its input is the product).
    /// </summary>
    public NetworkSpec SizedFor(IReadOnlyList<int> inputShape, int classes)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count == 0 || inputShape.Any(d => d < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(inputShape), $"inputShape [{string.Join(", ", inputShape)}] must list positive dimensions.");
        }

        if (Kind == NetworkKind.Mlp)
        {
            return Mlp(inputShape.Aggregate(1, (a, d) => checked(a * d)), Widths, classes, exitOutputs: null, LayersPerStage);
        }

        if (inputShape.Count != 3 || inputShape[1] != inputShape[2])
        {
            throw new ArgumentOutOfRangeException(nameof(inputShape), $"{KindName(Kind)} needs square images [C, H, W] with H = W; got [{string.Join(", ", inputShape)}].");
        }

        return Kind == NetworkKind.ResNet
            ? ResNet(Depth, ExitsAfterLayer, inputShape[0], inputShape[1], classes)
            : AlexNet(inputShape[0], inputShape[1], classes);
    }

    /// <summary>The same architecture with other per-exit logit counts (e.g. <c>ExitClassSets.OutputCounts()</c>).</summary>
    public NetworkSpec WithExitOutputs(IReadOnlyList<int> exitOutputs)
    {
        ArgumentNullException.ThrowIfNull(exitOutputs);
        CheckSized(nameof(WithExitOutputs));
        var spec = new NetworkSpec(Kind, Depth, [.. ExitsAfterLayer], InChannels, ImageSize, InputFeatures, [.. Widths], LayersPerStage, Classes, exitOutputs.ToArray());
        spec.Validate();
        return spec;
    }

    /// <summary>
    /// Builds a freshly initialised network on the CPU: from <paramref name="generator"/> when given (the same seed gives
    /// the same weights), else from libtorch's global generator.
    /// </summary>
    public MultiExitNetwork Build(torch.Generator? generator = null)
    {
        CheckSized(nameof(Build));
        return Kind switch
        {
            NetworkKind.ResNet => Architectures.ResNet(Depth, ExitsAfterLayer, InChannels, Classes, ExitOutputs, generator),
            NetworkKind.Mlp => Architectures.Mlp(InputFeatures, Widths, Classes, ExitOutputs, LayersPerStage, generator),
            _ => Architectures.AlexNet(InChannels, ImageSize, Classes, ExitOutputs, exitBranch: null, generator),
        };
    }

    /// <summary>The spec as indented JSON, e.g. <c>{"kind": "resnet", "depth": 20, "exitsAfterLayer": [7, 13, 20], ...}</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(
        new Dto
        {
            Kind = KindName(Kind),
            Depth = Depth,
            ExitsAfterLayer = [.. ExitsAfterLayer],
            InChannels = InChannels,
            ImageSize = ImageSize,
            InputFeatures = InputFeatures,
            Widths = [.. Widths],
            LayersPerStage = LayersPerStage,
            Classes = Classes,
            ExitOutputs = [.. ExitOutputs],
        },
        JsonOptions);

    /// <summary>Parses <see cref="ToJson"/>'s output; anything malformed or inconsistent is an <see cref="InvalidDataException"/>.</summary>
    public static NetworkSpec FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Dto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<Dto>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Network spec is not valid JSON: {e.Message}", e);
        }

        if (dto is null)
        {
            throw new InvalidDataException("Network spec is empty (JSON null).");
        }

        var kind = dto.Kind?.ToLowerInvariant() switch
        {
            "resnet" => NetworkKind.ResNet,
            "mlp" => NetworkKind.Mlp,
            "alexnet" => NetworkKind.AlexNet,
            _ => throw new InvalidDataException($"Network spec has kind '{dto.Kind ?? "<missing>"}'; expected resnet, mlp or alexnet."),
        };
        var spec = new NetworkSpec(kind, dto.Depth, dto.ExitsAfterLayer ?? [], dto.InChannels, dto.ImageSize, dto.InputFeatures, dto.Widths ?? [], dto.LayersPerStage, dto.Classes, dto.ExitOutputs ?? []);
        try
        {
            spec.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Network spec is inconsistent: {e.Message}", e);
        }

        return spec;
    }

    /// <summary>Short readable form, e.g. <c>resnet-20 exits [7, 13, 20] on [1, 28, 28], 10 classes</c>.</summary>
    public override string ToString() => !IsSized ? Kind switch
    {
        NetworkKind.ResNet => $"resnet-{Depth} exits after layers [{string.Join(", ", ExitsAfterLayer)}], sized from the data",
        NetworkKind.Mlp => $"mlp widths [{string.Join(", ", Widths)}], sized from the data",
        _ => "alexnet 3 exits, sized from the data",
    } : Kind switch
    {
        NetworkKind.ResNet => $"resnet-{Depth} exits after layers [{string.Join(", ", ExitsAfterLayer)}] on [{string.Join(", ", InputShape)}], {Classes} classes",
        NetworkKind.Mlp => $"mlp widths [{string.Join(", ", Widths)}] on [{InputFeatures}], {Classes} classes",
        _ => $"alexnet 3 exits on [{string.Join(", ", InputShape)}], {Classes} classes",
    };

    /// <summary>The JSON name of <paramref name="kind"/>.</summary>
    public static string KindName(NetworkKind kind) => kind switch
    {
        NetworkKind.ResNet => "resnet",
        NetworkKind.Mlp => "mlp",
        NetworkKind.AlexNet => "alexnet",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind must be ResNet, Mlp or AlexNet."),
    };

    private static int[] Outputs(IReadOnlyList<int>? exitOutputs, int exits, int classes) =>
        exitOutputs?.ToArray() ?? Enumerable.Repeat(classes, exits).ToArray();

    private void CheckSized(string operation)
    {
        if (!IsSized)
        {
            throw new InvalidOperationException($"{operation} needs a sized spec, but {this} has no input size or class count yet; size it with SizedFor(inputShape, classes) or give it to the ClassyNet trainer, which sizes it from the data.");
        }
    }

    /// <summary>
    /// Checks the spec. An unsized one (no classes, input size or exit outputs) is checked only for what does not depend
    /// on the data: depth, exit layers, widths.
    /// </summary>
    private void Validate()
    {
        bool sized = !(Classes == 0 && InChannels == 0 && ImageSize == 0 && InputFeatures == 0 && ExitOutputs.Count == 0);
        if (sized && Classes < 2)
        {
            throw new ArgumentOutOfRangeException("classes", Classes, "classes must be at least 2.");
        }

        if (sized && (ExitOutputs.Count == 0 || ExitOutputs.Any(o => o < 2) || ExitOutputs[^1] != Classes))
        {
            throw new ArgumentException($"exitOutputs [{string.Join(", ", ExitOutputs)}] must give one logit count >= 2 per exit, the last equal to classes ({Classes}).", "exitOutputs");
        }

        switch (Kind)
        {
            case NetworkKind.ResNet:
                if (Depth < 8 || (Depth - 2) % 6 != 0)
                {
                    throw new ArgumentOutOfRangeException("depth", Depth, "ResNet depth must be 6n + 2 with n >= 1 (8, 14, 20, 32, 56, 110, ...).");
                }

                if (sized && ExitsAfterLayer.Count != ExitOutputs.Count)
                {
                    throw new ArgumentException($"exitsAfterLayer has {ExitsAfterLayer.Count} entries but exitOutputs has {ExitOutputs.Count}; one per exit.", "exitsAfterLayer");
                }

                if (!sized && (ExitsAfterLayer.Count == 0 || ExitsAfterLayer[^1] != Depth))
                {
                    throw new ArgumentException($"exitsAfterLayer [{string.Join(", ", ExitsAfterLayer)}] must list each exit's layer, ending with the final layer {Depth}.", "exitsAfterLayer");
                }

                CheckImage(sized, minSize: 4);
                break;
            case NetworkKind.Mlp:
                if (sized && InputFeatures < 1)
                {
                    throw new ArgumentOutOfRangeException("inputFeatures", InputFeatures, "inputFeatures must be >= 1.");
                }

                if (Widths.Count == 0 || Widths.Any(w => w < 1) || (sized && Widths.Count != ExitOutputs.Count))
                {
                    throw new ArgumentException($"widths [{string.Join(", ", Widths)}] must give one width >= 1 per exit{(sized ? $" ({ExitOutputs.Count})" : string.Empty)}.", "widths");
                }

                if (LayersPerStage < 1)
                {
                    throw new ArgumentOutOfRangeException("layersPerStage", LayersPerStage, "layersPerStage must be >= 1.");
                }

                break;
            case NetworkKind.AlexNet:
                if (sized && ExitOutputs.Count != 3)
                {
                    throw new ArgumentException($"AlexNet has 3 exits; exitOutputs has {ExitOutputs.Count}.", "exitOutputs");
                }

                CheckImage(sized, minSize: 24);
                if (ImageSize > 64)
                {
                    throw new ArgumentOutOfRangeException("imageSize", ImageSize, "AlexNet imageSize must be in [24, 64].");
                }

                break;
            default:
                throw new ArgumentOutOfRangeException("kind", Kind, "kind must be ResNet, Mlp or AlexNet.");
        }
    }

    private void CheckImage(bool sized, int minSize)
    {
        if (!sized)
        {
            return;
        }

        if (InChannels < 1)
        {
            throw new ArgumentOutOfRangeException("inChannels", InChannels, "inChannels must be >= 1.");
        }

        if (ImageSize < minSize)
        {
            throw new ArgumentOutOfRangeException("imageSize", ImageSize, $"imageSize must be >= {minSize}.");
        }
    }

    private sealed class Dto
    {
        public string? Kind { get; set; }

        public int Depth { get; set; }

        public int[]? ExitsAfterLayer { get; set; }

        public int InChannels { get; set; }

        public int ImageSize { get; set; }

        public int InputFeatures { get; set; }

        public int[]? Widths { get; set; }

        public int LayersPerStage { get; set; }

        public int Classes { get; set; }

        public int[]? ExitOutputs { get; set; }
    }
}
