using System.Diagnostics;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;

namespace ClassyNet.MLNet.Benchmarks;

/// <summary>
/// Batched early exit over a set of images (the Fashion-MNIST test set when installed, else seeded random images):
/// an R20-3E BranchyNet model whose thresholds are the medians of exits 1 and 2's entropies on these images, so about
/// half the images leave at exit 1 and a quarter at exit 2. Compares the wall clock of early exit with the same
/// predictor running every image through the full network, against the ratio of multiply-accumulates.
/// </summary>
public sealed class EarlyExitWorkload
{
    private readonly ClassyNetModel _model;
    private readonly TensorDataset _prepared;

    /// <summary>Builds the model and data (<paramref name="images"/> images) and chooses the thresholds.</summary>
    public EarlyExitWorkload(int images)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(images, 1);
        var spec = NetworkSpec.ResNet(20, [7, 13, 20], inChannels: 1, imageSize: 28, classes: 10);
        var sets = ExitClassSets.AllClasses(3, 10);
        var model = ClassyNetModel.Create(spec, sets, [0f, 0f], seed: 1);
        TensorDataset data;
        if (FashionMnist.IsAvailable())
        {
            var test = FashionMnist.Load(FashionMnist.DefaultDirectory, FashionMnistSplit.Test, limit: images);
            model = new ClassyNetModel(model.Spec, model.Network, sets, [0f, 0f]) { Normalization = InputNormalization.Fit(test) };
            data = test;
            Source = $"{data.Count} Fashion-MNIST test images";
        }
        else
        {
            var random = new Random(3);
            data = new TensorDataset(Enumerable.Range(0, images * 784).Select(_ => (float)random.NextDouble()).ToArray(), new int[images], 1, 28, 28);
            Source = $"{images} random images (Fashion-MNIST not installed)";
        }

        var cache = model.BuildScoreCache(data);
        float[] thresholds = [Median(cache.Entropies(0)), Median(cache.Entropies(1))];
        _model = model.WithThresholds(thresholds);
        _prepared = _model.PrepareInputs(data);
        FullMacs = _model.CreatePredictor().Accounting.EarlyExitMacs()[^1];
    }

    /// <summary>What the images are.</summary>
    public string Source { get; }

    /// <summary>Multiply-accumulates of one image through every stage and head.</summary>
    public long FullMacs { get; }

    /// <summary>Seconds to run every image through the full network (thresholds 0: nothing leaves early), batches of 256.</summary>
    public (double Seconds, double AverageMacs) RunFull() => Time(_model.WithThresholds([0f, 0f]));

    /// <summary>Seconds to run every image with early exit, batches of 256.</summary>
    public (double Seconds, double AverageMacs) RunEarlyExit() => Time(_model);

    private (double Seconds, double AverageMacs) Time(ClassyNetModel model)
    {
        var predictor = model.CreatePredictor();
        var watch = Stopwatch.StartNew();
        var result = model.PredictPrepared(_prepared, batchSize: 256, predictor);
        return (watch.Elapsed.TotalSeconds, result.AverageMacs);
    }

    private static float Median(IReadOnlyList<float> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
