using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ClassyNet.Deployment.Tests;

/// <summary>Small untrained models of every architecture kind, with non-trivial batch-norm statistics and normalisation.</summary>
internal static class DeploymentModels
{
    /// <summary>ResNet-14 with exits after layers 5, 9 and 14 (downsampling shortcuts in stages 2 and 3), BoC IC sets.</summary>
    public static ClassyNetModel ResNet(int seed = 1, float[]? thresholds = null) => Finish(
        ClassyNetModel.Create(
            NetworkSpec.ResNet(14, [5, 9, 14], inChannels: 1, imageSize: 12, classes: 10),
            ExitClassSets.Incremental([[9], [8]], classCount: 10),
            thresholds ?? [0.6f, 0.9f],
            seed: seed),
        new InputNormalization(1f, [0.3f], [0.4f]),
        seed);

    /// <summary>The paper's R20-3E (exits after layers 7, 13, 20) on 28x28 images, BoC IC sets.</summary>
    public static ClassyNetModel R20(int seed = 1) => Finish(
        ClassyNetModel.Create(
            NetworkSpec.ResNet(20, [7, 13, 20], inChannels: 1, imageSize: 28, classes: 10),
            ExitClassSets.Incremental([[9], [8]], classCount: 10),
            [0.3f, 0.2f],
            seed: seed),
        new InputNormalization(1f, [0.286f], [0.353f]),
        seed);

    /// <summary>A three-exit MLP on 6 features with MC sets and a bag, scale-only normalisation.</summary>
    public static ClassyNetModel Mlp(int seed = 1, int features = 6, float[]? thresholds = null) => Finish(
        ClassyNetModel.Create(
            NetworkSpec.Mlp(features, [16, 12, 8], classes: 4, layersPerStage: 2),
            ExitClassSets.MutuallyExclusive([[0], [1, 2]], classCount: 4),
            thresholds ?? [0.5f, 0.8f],
            seed: seed),
        new InputNormalization(2f, [], []),
        seed);

    /// <summary>The AlexNet-style network (conv-block exits, max pooling, flatten + hidden layers at the end), BranchyNet sets.</summary>
    public static ClassyNetModel AlexNet(int seed = 1) => Finish(
        ClassyNetModel.Create(NetworkSpec.AlexNet(inChannels: 1, imageSize: 28, classes: 10), ExitClassSets.AllClasses(3, 10), [1.5f, 1.5f], seed: seed),
        InputNormalization.Identity,
        seed);

    /// <summary>Raw inputs in [0, 1) for <paramref name="model"/>, row-major.</summary>
    public static float[] Inputs(ClassyNetModel model, int count, int seed)
    {
        var random = new Random(seed);
        int size = model.InputShape.Aggregate(1, (a, d) => a * d);
        return Enumerable.Range(0, count * size).Select(_ => random.NextSingle()).ToArray();
    }

    /// <summary>
    /// Gives every batch norm random running statistics and affine parameters (a fresh network has mean 0, variance 1,
    /// scale 1 and shift 0, which an exporter could get wrong without any test noticing) and sets the normalisation.
    /// </summary>
    private static ClassyNetModel Finish(ClassyNetModel model, InputNormalization normalization, int seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed + 1000);
        foreach (var (name, tensor) in model.Network.state_dict())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal))
            {
                tensor.copy_(randn(tensor.shape, generator: generator) * 0.1f);
            }
            else if (name.EndsWith("running_var", StringComparison.Ordinal))
            {
                tensor.copy_(rand(tensor.shape, generator: generator) + 0.5f);
            }
            else if (name.Contains("bn", StringComparison.Ordinal) || name.Contains("shortcut.1", StringComparison.Ordinal) || name.StartsWith("stem.1", StringComparison.Ordinal) || name.Contains("conv.1", StringComparison.Ordinal))
            {
                if (tensor.is_floating_point())
                {
                    tensor.copy_(name.EndsWith("weight", StringComparison.Ordinal) ? rand(tensor.shape, generator: generator) + 0.5f : randn(tensor.shape, generator: generator) * 0.1f);
                }
            }
        }

        return new ClassyNetModel(model.Spec, model.Network, model.ExitClasses, model.Thresholds, model.Policy)
        {
            Normalization = normalization,
            ClassNames = Enumerable.Range(0, model.ClassCount).Select(c => $"class-{c}").ToArray(),
        };
    }
}
