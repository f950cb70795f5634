using static TorchSharp.torch;

namespace ClassyNet.MLNet.Inference;

/// <summary>Answers of <see cref="EarlyExitPredictor.PredictBatch(Tensor)"/> for a batch, in input order, with the work done.</summary>
public sealed class EarlyExitBatchResult
{
    private readonly EarlyExitPrediction[] _predictions;

    internal EarlyExitBatchResult(EarlyExitPrediction[] predictions, int exitCount, long executedMacs)
    {
        _predictions = predictions;
        ExitCount = exitCount;
        ExecutedMacs = executedMacs;
    }

    /// <summary>Per-sample answers, in the order of the input batch.</summary>
    public IReadOnlyList<EarlyExitPrediction> Predictions => _predictions;

    /// <summary>Number of samples.</summary>
    public int Count => _predictions.Length;

    /// <summary>Number of exits M of the network.</summary>
    public int ExitCount { get; }

    /// <summary>
    /// Multiply-accumulates executed for the batch: for every stage and head that ran, the rows it ran on times its
    /// per-sample MACs (from the layers' shapes).
    /// </summary>
    public long ExecutedMacs { get; }

    /// <summary>Sum of the samples' early-exit MACs (<see cref="EarlyExitPrediction.Macs"/>); equals <see cref="ExecutedMacs"/>.</summary>
    public long AccountedMacs => _predictions.Sum(p => p.Macs);

    /// <summary>Mean multiply-accumulates per sample (0 for an empty batch).</summary>
    public double AverageMacs => Count == 0 ? 0 : (double)AccountedMacs / Count;

    /// <summary>Predicted original classes, in input order.</summary>
    public int[] PredictedClasses() => _predictions.Select(p => p.PredictedClass).ToArray();

    /// <summary>Exit taken by each sample, in input order.</summary>
    public int[] ExitIndices() => _predictions.Select(p => p.Exit).ToArray();

    /// <summary>How many samples left at each exit.</summary>
    public int[] ExitCounts()
    {
        var counts = new int[ExitCount];
        foreach (var p in _predictions)
        {
            counts[p.Exit]++;
        }

        return counts;
    }
}
