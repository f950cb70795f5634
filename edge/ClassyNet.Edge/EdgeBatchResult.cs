namespace ClassyNet.Edge;

/// <summary>The answers for a batch, in input order, with where the time went.</summary>
public sealed class EdgeBatchResult
{
    private readonly EdgeAnswer[] _answers;

    internal EdgeBatchResult(EdgeAnswer[] answers, TimeSpan edgeTime, TimeSpan cloudTime, int cloudRequests, int cloudAttempts, long bytesSent)
    {
        _answers = answers;
        EdgeTime = edgeTime;
        CloudTime = cloudTime;
        CloudRequests = cloudRequests;
        CloudAttempts = cloudAttempts;
        BytesSent = bytesSent;
    }

    /// <summary>One answer per sample, in input order.</summary>
    public IReadOnlyList<EdgeAnswer> Answers => _answers;

    /// <summary>Time spent running the edge part (ONNX Runtime and the exit decisions).</summary>
    public TimeSpan EdgeTime { get; }

    /// <summary>Wall time of the cloud requests (link, service and retries); zero when every sample left on the edge.</summary>
    public TimeSpan CloudTime { get; }

    /// <summary>Requests sent to the cloud part (one per chunk of at most <see cref="CloudClientOptions.MaxSamplesPerRequest"/> samples).</summary>
    public int CloudRequests { get; }

    /// <summary>Attempts over all requests (more than <see cref="CloudRequests"/> when some were retried).</summary>
    public int CloudAttempts { get; }

    /// <summary>Activation bytes handed on to the cloud (float32 payload of the requests, once per request).</summary>
    public long BytesSent { get; }

    /// <summary>How many samples came from each source (indexed by <see cref="EdgeAnswerSource"/>).</summary>
    public int Count(EdgeAnswerSource source) => _answers.Count(a => a.Source == source);
}
