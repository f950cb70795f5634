using System.Net;
using ClassyNet.Serving.Protocol;
using Grpc.Core;
using Grpc.Net.Client;

namespace ClassyNet.Edge;

/// <summary>
/// The edge's client of the cloud-part service: one HTTP/2 channel, the API key on every call, a deadline per attempt,
/// and retries with exponential backoff (and jitter) on transient failures (unavailable, deadline exceeded, aborted).
/// A call has no side effect on the service, so a retry can never answer a sample twice: the answers of the attempt
/// that succeeds are the only ones used. Other statuses (wrong key, unknown model, bad shape, limits) are not retried.
/// Thread-safe.
/// </summary>
public sealed class CloudPartClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly CloudPart.CloudPartClient _client;
    private readonly Metadata _headers;

    /// <summary>Creates a client; the connection is opened on the first call.</summary>
    public CloudPartClient(CloudClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.AttemptTimeout,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
        };
        _channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true, MaxReceiveMessageSize = 64 << 20 });
        _client = new CloudPart.CloudPartClient(_channel);
        _headers = new Metadata { { CloudPartHeaders.ApiKey, options.ApiKey } };
    }

    /// <summary>The options.</summary>
    public CloudClientOptions Options { get; }

    /// <summary>Whether a failure with <paramref name="code"/> may pass on retry.</summary>
    public static bool IsTransient(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted;

    /// <summary>
    /// Sends <paramref name="request"/>, retrying transient failures up to <see cref="CloudClientOptions.MaxAttempts"/>
    /// times. Never throws for a service or transport failure (the result carries the status); throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<CloudCallResult> InferAsync(InferRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var backoff = Options.InitialBackoff;
        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Status status;
            try
            {
                var response = await _client.InferAsync(request, _headers, DateTime.UtcNow + Options.AttemptTimeout, cancellationToken).ConfigureAwait(false);
                string? problem = Check(request, response);
                if (problem is null)
                {
                    return new CloudCallResult(response, Status.DefaultSuccess, attempt);
                }

                status = new Status(StatusCode.Internal, problem);
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                status = e.Status;
            }

            if (!IsTransient(status.StatusCode) || attempt >= Options.MaxAttempts)
            {
                return new CloudCallResult(null, status, attempt);
            }

            var wait = TimeSpan.FromTicks((long)(backoff.Ticks * (0.8 + (0.4 * Random.Shared.NextDouble()))));
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(Options.MaxBackoff.Ticks, (long)(backoff.Ticks * Options.BackoffMultiplier)));
        }
    }

    /// <summary>The models the service holds.</summary>
    public async Task<ListModelsResponse> ListModelsAsync(CancellationToken cancellationToken = default) =>
        await _client.ListModelsAsync(new ListModelsRequest(), _headers, DateTime.UtcNow + Options.AttemptTimeout, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();

    /// <summary>A response must answer every sample once, in order, with the version asked for.</summary>
    private static string? Check(InferRequest request, InferResponse response)
    {
        int n = request.Shape.Count > 0 ? (int)request.Shape[0] : 0;
        if (response.Answers.Count != n)
        {
            return $"the service answered {response.Answers.Count} samples for a request of {n}";
        }

        if (response.ModelVersion != request.ModelVersion)
        {
            return $"the service answered with model version '{response.ModelVersion}' for a request of version '{request.ModelVersion}'";
        }

        for (int i = 0; i < n; i++)
        {
            long expected = request.SampleIds.Count > 0 ? request.SampleIds[i] : i;
            if (response.Answers[i].SampleId != expected)
            {
                return $"answer {i} is for sample {response.Answers[i].SampleId}, expected {expected}";
            }
        }

        return null;
    }
}
