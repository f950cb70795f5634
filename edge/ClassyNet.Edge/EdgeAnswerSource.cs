namespace ClassyNet.Edge;

/// <summary>Where a sample's answer came from, or why it has none.</summary>
public enum EdgeAnswerSource
{
    /// <summary>An exit on the edge device answered.</summary>
    Edge,

    /// <summary>The cloud part answered.</summary>
    Cloud,

    /// <summary>
    /// The sample needed the cloud, but the service could not be reached or did not answer within the retry budget
    /// (timeouts, connection failures, the service stopping). No class is given.
    /// </summary>
    CloudUnavailable,

    /// <summary>The service refused the request (wrong key, unknown model or version, bad shape, limits). No class is given.</summary>
    CloudRejected,
}
