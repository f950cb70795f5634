using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>The single-exit network the pruning baselines start from.</summary>
public static class SingleExitBaseline
{
    /// <summary>
    /// The ResNet of <paramref name="model"/> with only its final exit: the same stem, blocks and final head (weights
    /// copied), as one stage, e.g. a Baseline trained with <c>classynet train --mode baseline</c> (whose early heads
    /// had zero loss weight and are dropped). A single-exit model is returned as it is.
    /// </summary>
    /// <exception cref="NotSupportedException">The model is not a ResNet (the paper's pruning baselines are ResNet-110).</exception>
    public static ClassyNetModel From(ClassyNetModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.ExitCount == 1)
        {
            return model;
        }

        var spec = model.Spec;
        if (spec.Kind != NetworkKind.ResNet)
        {
            throw new NotSupportedException($"The pruning baselines start from a ResNet (the paper's ResNet-110); this model is {spec}.");
        }

        var single = NetworkSpec.ResNet(spec.Depth, [spec.Depth], spec.InChannels, spec.ImageSize, spec.Classes);
        var network = single.Build();
        var source = model.Network.state_dict();
        var offsets = new int[model.ExitCount];
        for (int m = 1; m < offsets.Length; m++)
        {
            offsets[m] = offsets[m - 1] + model.Network.Stages[m - 1].children().Count();
        }

        var mapped = new Dictionary<string, Tensor>();
        string last = $"exits.{model.ExitCount - 1}.";
        foreach (var (name, t) in source)
        {
            var parts = name.Split('.');
            if (parts[0] == "stages")
            {
                int block = offsets[int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)] + int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                mapped[$"stages.0.{block}.{string.Join('.', parts[3..])}"] = t;
            }
            else if (name.StartsWith(last, StringComparison.Ordinal))
            {
                mapped["exits.0." + name[last.Length..]] = t;
            }
            else if (parts[0] == "stem")
            {
                mapped[name] = t;
            }
        }

        network.load_state_dict(mapped);
        network.to(model.Network.Device);
        return new ClassyNetModel(single, network, ExitClassSets.AllClasses(1, spec.Classes), [])
        {
            ClassNames = model.ClassNames,
            Normalization = model.Normalization,
            Mode = "baseline",
            Metadata = model.Metadata,
        };
    }
}
