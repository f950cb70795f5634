using System.Diagnostics;

namespace ClassyNet.Edge;

/// <summary>
/// End-to-end measurement of a split deployment: classifies a labelled test set batch by batch through an
/// <see cref="EdgeClassifier"/> (edge part, link, cloud part) and records accuracy and each batch's latency. Put a
/// <see cref="LinkEmulator"/> between the classifier's cloud client and the service to measure under a given link.
/// </summary>
public static class SplitEvaluation
{
    /// <summary>
    /// Classifies <paramref name="labels"/>.Count raw samples stored row-major in <paramref name="inputs"/>,
    /// <paramref name="batchSize"/> at a time, one batch after another (as a device processing a stream would).
    /// </summary>
    public static async Task<SplitEvaluationResult> RunAsync(EdgeClassifier classifier, ReadOnlyMemory<float> inputs, IReadOnlyList<int> labels, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var manifest = classifier.Runtime.Package.Manifest;
        int size = manifest.InputSize, count = labels.Count;
        if (inputs.Length != (long)count * size)
        {
            throw new ArgumentException($"inputs has {inputs.Length} values but {count} labelled samples of shape [{string.Join(", ", manifest.InputShape)}] need {(long)count * size}.", nameof(inputs));
        }

        var batches = new List<SplitBatchMeasurement>();
        var exitCounts = new int[manifest.ExitCount];
        var answers = new EdgeAnswer[count];
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            var clock = Stopwatch.StartNew();
            var result = await classifier.ClassifyAsync(inputs.Slice(start * size, n * size), n, cancellationToken).ConfigureAwait(false);
            var latency = clock.Elapsed;
            int correct = 0;
            for (int i = 0; i < n; i++)
            {
                var answer = result.Answers[i];
                answers[start + i] = answer;
                if (answer.IsAnswered)
                {
                    exitCounts[answer.Exit]++;
                    correct += answer.PredictedClass == labels[start + i] ? 1 : 0;
                }
            }

            batches.Add(new SplitBatchMeasurement
            {
                Count = n,
                Correct = correct,
                SentToCloud = n - result.Count(EdgeAnswerSource.Edge),
                Unanswered = n - result.Answers.Count(a => a.IsAnswered),
                Latency = latency,
                EdgeTime = result.EdgeTime,
                CloudTime = result.CloudTime,
                BytesSent = result.BytesSent,
            });
        }

        return new SplitEvaluationResult([.. batches], exitCounts, answers);
    }
}
