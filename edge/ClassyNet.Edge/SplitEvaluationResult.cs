namespace ClassyNet.Edge;

/// <summary>Accuracy and end-to-end latency of a split deployment over a labelled test set (<see cref="SplitEvaluation"/>).</summary>
public sealed class SplitEvaluationResult
{
    private readonly SplitBatchMeasurement[] _batches;
    private readonly int[] _exitCounts;

    private readonly EdgeAnswer[] _answers;

    internal SplitEvaluationResult(SplitBatchMeasurement[] batches, int[] exitCounts, EdgeAnswer[] answers)
    {
        _batches = batches;
        _exitCounts = exitCounts;
        _answers = answers;
    }

    /// <summary>Per-batch measurements, in order.</summary>
    public IReadOnlyList<SplitBatchMeasurement> Batches => _batches;

    /// <summary>The answer for every sample, in test-set order.</summary>
    public IReadOnlyList<EdgeAnswer> Answers => _answers;

    /// <summary>Predicted class per sample (-1 for unanswered ones), in test-set order.</summary>
    public int[] Predicted() => _answers.Select(a => a.PredictedClass).ToArray();

    /// <summary>Number of samples.</summary>
    public int Count => _batches.Sum(b => b.Count);

    /// <summary>Fraction answered with the true class (unanswered samples count as wrong).</summary>
    public double Accuracy => Count == 0 ? 0 : (double)_batches.Sum(b => b.Correct) / Count;

    /// <summary>Samples that left at each exit of the whole model (0-based), edge and cloud together.</summary>
    public IReadOnlyList<int> ExitCounts => _exitCounts;

    /// <summary>Samples whose activations went to the cloud.</summary>
    public int SentToCloud => _batches.Sum(b => b.SentToCloud);

    /// <summary>Samples left without an answer.</summary>
    public int Unanswered => _batches.Sum(b => b.Unanswered);

    /// <summary>Sum of the batches' end-to-end latencies: the time to classify the whole set one batch after another (the paper's Table IV "Time").</summary>
    public TimeSpan TotalLatency => TimeSpan.FromTicks(_batches.Sum(b => b.Latency.Ticks));

    /// <summary>Mean end-to-end latency per batch.</summary>
    public TimeSpan MeanBatchLatency => _batches.Length == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(TotalLatency.Ticks / _batches.Length);

    /// <summary>The <paramref name="quantile"/> (in [0, 1]) of the per-batch latencies (nearest rank).</summary>
    public TimeSpan BatchLatencyQuantile(double quantile)
    {
        if (!(quantile >= 0 && quantile <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "quantile must be in [0, 1].");
        }

        if (_batches.Length == 0)
        {
            return TimeSpan.Zero;
        }

        var sorted = _batches.Select(b => b.Latency).Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Activation bytes sent to the cloud over the whole set.</summary>
    public long BytesSent => _batches.Sum(b => b.BytesSent);
}
