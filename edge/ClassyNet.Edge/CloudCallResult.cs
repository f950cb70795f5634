using ClassyNet.Serving.Protocol;
using Grpc.Core;

namespace ClassyNet.Edge;

/// <summary>The outcome of one request to the cloud part after retries: the answers, or the final status.</summary>
public sealed class CloudCallResult
{
    internal CloudCallResult(InferResponse? response, Status status, int attempts)
    {
        Response = response;
        Status = status;
        Attempts = attempts;
    }

    /// <summary>The service's answers (one per sample, in request order), or null when the call failed.</summary>
    public InferResponse? Response { get; }

    /// <summary>The final gRPC status (<see cref="StatusCode.OK"/> on success).</summary>
    public Status Status { get; }

    /// <summary>Attempts made (1 when the first one succeeded or failed for good).</summary>
    public int Attempts { get; }

    /// <summary>Whether the service answered.</summary>
    public bool Succeeded => Response is not null;

    /// <summary>
    /// Whether a failure means the service was unreachable or too slow (the samples are <see cref="EdgeAnswerSource.CloudUnavailable"/>)
    /// rather than a refusal (<see cref="EdgeAnswerSource.CloudRejected"/>).
    /// </summary>
    public bool IsUnavailable => !Succeeded && CloudPartClient.IsTransient(Status.StatusCode);
}
