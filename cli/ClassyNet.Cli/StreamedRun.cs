using System.Diagnostics;
using ClassyNet.MLNet.Evaluation;
using ClassyNet.MLNet.Inference;

namespace ClassyNet.Cli;

/// <summary>
/// Batched early exit of one model over every sample of a <see cref="SampleSource"/>, read batch by batch (each batch
/// normalised in place and predicted before the next is read), so memory holds one batch of features, not the data set,
/// and libtorch's freed working memory is returned to the system after every batch (<see cref="NativeHeap"/>).
/// </summary>
/// <param name="Evaluation">Accuracy, confusion matrix, exits per class and MACs.</param>
/// <param name="PredictSeconds">Time spent in <see cref="EarlyExitPredictor.PredictBatch(ReadOnlySpan{float}, int)"/> (reading and normalising excluded).</param>
/// <param name="ExecutedMacs">Multiply-accumulates the stages and heads ran.</param>
internal sealed record StreamedRun(EarlyExitEvaluation Evaluation, double PredictSeconds, long ExecutedMacs)
{
    /// <summary>Runs <paramref name="model"/> (through <paramref name="predictor"/>) over <paramref name="source"/>.</summary>
    /// <param name="model">The model (its normalisation is applied to every batch).</param>
    /// <param name="predictor">The model's predictor.</param>
    /// <param name="source">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="cancellation">Checked between batches.</param>
    /// <param name="onBatch">Called after each batch with the samples done so far (progress).</param>
    public static StreamedRun Run(ClassyNetModel model, EarlyExitPredictor predictor, SampleSource source, int batchSize, CancellationToken cancellation, Action<int>? onBatch = null)
    {
        var predicted = new int[source.Count];
        var exits = new int[source.Count];
        long executed = 0, ticks = 0;
        int done = 0;
        foreach (var batch in source.Batches(batchSize))
        {
            cancellation.ThrowIfCancellationRequested();
            var features = batch.Features.AsSpan(0, batch.Count * source.SampleSize);
            model.Normalization.Apply(features, model.InputShape);
            long start = Stopwatch.GetTimestamp();
            var result = predictor.PredictBatch(features, batch.Count);
            ticks += Stopwatch.GetTimestamp() - start;
            for (int i = 0; i < batch.Count; i++)
            {
                predicted[done + i] = result.Predictions[i].PredictedClass;
                exits[done + i] = result.Predictions[i].Exit;
            }

            executed += result.ExecutedMacs;
            done += batch.Count;
            NativeHeap.Trim();
            onBatch?.Invoke(done);
        }

        if (done != source.Count)
        {
            throw new InvalidDataException($"The data gave {done} samples on reading but {source.Count} labels were counted first.");
        }

        var exitMacs = predictor.Accounting.EarlyExitMacs().Select(m => (double)m).ToArray();
        var evaluation = EarlyExitEvaluation.Compute(source.Labels, predicted, exits, exitMacs, model.ClassCount);
        return new StreamedRun(evaluation, (double)ticks / Stopwatch.Frequency, executed);
    }
}
