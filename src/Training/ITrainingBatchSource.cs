namespace ClassyNet.MLNet.Training;

/// <summary>
/// Where <see cref="MultiExitTrainer.Fit(ITrainingBatchSource, IProgress{TrainingProgress}, CancellationToken)"/> reads
/// its samples: batches of one epoch at a time, so a source may stream them (from a data view, a file) instead of
/// holding the whole dataset as one array. Labels are class indices in [0, K).
/// </summary>
public interface ITrainingBatchSource
{
    /// <summary>The shape of one sample without the batch dimension ([C, H, W] or [F]).</summary>
    IReadOnlyList<int> SampleShape { get; }

    /// <summary>Training samples per epoch when known (for progress), else null.</summary>
    long? TrainingCount { get; }

    /// <summary>The training batches of epoch <paramref name="epoch"/> (1-based) of at most <paramref name="batchSize"/> samples, in the epoch's order.</summary>
    IEnumerable<TrainingBatch> GetTrainingBatches(int epoch, int batchSize);

    /// <summary>The held-out validation batches (empty when nothing is held out).</summary>
    IEnumerable<TrainingBatch> GetValidationBatches(int batchSize);
}
