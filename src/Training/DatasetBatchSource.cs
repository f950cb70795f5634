using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Training;

/// <summary>
/// An in-memory dataset as a batch source: a seeded libtorch permutation per epoch (epoch e's order depends only on the
/// seed and e, so a resumed run sees the same batches), and its held-out part as validation batches.
/// </summary>
internal sealed class DatasetBatchSource(TensorDataset train, TensorDataset? validation, bool shuffle, int seed) : ITrainingBatchSource
{
    private const ulong ShuffleStream = 0x94D049BB133111EBUL;

    public IReadOnlyList<int> SampleShape => train.SampleShape;

    public long? TrainingCount => train.Count;

    public IEnumerable<TrainingBatch> GetTrainingBatches(int epoch, int batchSize)
    {
        var order = shuffle ? MultiExitTrainer.Permutation(train.Count, MultiExitTrainer.EpochSeed(seed, epoch, ShuffleStream)) : null;
        return Batches(train, order, batchSize);
    }

    public IEnumerable<TrainingBatch> GetValidationBatches(int batchSize) =>
        validation is null ? [] : Batches(validation, null, batchSize);

    private static IEnumerable<TrainingBatch> Batches(TensorDataset data, int[]? order, int batchSize)
    {
        // One pair of arrays per pass, refilled for every batch: the trainer is done with a batch before asking for the next.
        int size = data.SampleSize;
        var features = new float[Math.Min(batchSize, data.Count) * size];
        var labels = new int[Math.Min(batchSize, data.Count)];
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            if (order is null)
            {
                data.Features.AsSpan(start * size, count * size).CopyTo(features);
                data.Labels.AsSpan(start, count).CopyTo(labels);
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    int index = order[start + i];
                    data.Features.AsSpan(index * size, size).CopyTo(features.AsSpan(i * size));
                    labels[i] = data.Labels[index];
                }
            }

            yield return new TrainingBatch(features, labels, count);
        }
    }
}
