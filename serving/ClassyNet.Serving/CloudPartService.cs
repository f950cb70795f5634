using System.Diagnostics;
using System.Runtime.InteropServices;
using ClassyNet.Serving.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace ClassyNet.Serving;

/// <summary>
/// The gRPC service: checks a request completely (model and version held, split in range, shape equal to the cloud
/// part's activation shape, payload size, finite values, sample ids, thresholds) before any TorchSharp work, runs the
/// cloud part with Algorithm 1 (<see cref="MLNet.Deployment.CloudPartition"/>) at most
/// <see cref="CloudPartServerOptions.MaxConcurrentInferences"/> requests at a time, and answers every sample in order.
/// </summary>
/// <remarks>
/// The service binds its methods itself (<see cref="BindService"/>, instead of deriving from the generated
/// <c>CloudPart.CloudPartBase</c>) so that a request body that is not a valid message is refused with INVALID_ARGUMENT;
/// the generated binding would report UNKNOWN, as for a failure inside the service. The class is not sealed and its
/// methods are virtual because Grpc.AspNetCore only binds virtual methods declared by the type that names the bind method.
/// </remarks>
[BindServiceMethod(typeof(CloudPartService), nameof(BindService))]
internal class CloudPartService(CloudPartServerState state, ILogger<CloudPartService> logger)
{
    private static readonly string ServiceName = CloudPart.Descriptor.FullName;

    /// <summary>Binds Infer and ListModels with request marshallers that turn undecodable bodies into INVALID_ARGUMENT.</summary>
    public static void BindService(ServiceBinderBase binder, CloudPartService? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(
            new Method<InferRequest, InferResponse>(MethodType.Unary, ServiceName, "Infer", Strict(InferRequest.Parser), Marshallers.Create<InferResponse>(m => m.ToByteArray(), InferResponse.Parser.ParseFrom)),
            service is null ? null : service.Infer);
        binder.AddMethod(
            new Method<ListModelsRequest, ListModelsResponse>(MethodType.Unary, ServiceName, "ListModels", Strict(ListModelsRequest.Parser), Marshallers.Create<ListModelsResponse>(m => m.ToByteArray(), ListModelsResponse.Parser.ParseFrom)),
            service is null ? null : service.ListModels);
    }

    /// <summary>CloudPart.Infer.</summary>
    public virtual async Task<InferResponse> Infer(InferRequest request, ServerCallContext context)
    {
        string requestId = string.IsNullOrEmpty(request.RequestId) ? context.GetHttpContext().TraceIdentifier : request.RequestId;
        try
        {
            return await InferChecked(request, requestId, context.CancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            ServingLog.Refused(logger, requestId, e.StatusCode.ToString(), e.Status.Detail);
            throw;
        }
    }

    /// <summary>CloudPart.ListModels.</summary>
    public virtual Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        foreach (var m in state.Registry.Models())
        {
            var info = new ModelInfo { ModelId = m.Identity.Id, ModelVersion = m.Identity.Version, Current = m.Current, ExitCount = m.ExitCount, ClassCount = m.ClassCount };
            for (int k = 1; k < m.ExitCount; k++)
            {
                var split = new SplitInfo { SplitExit = k };
                split.ActivationShape.AddRange(m.ActivationShapes[k - 1].Select(d => (long)d));
                info.Splits.Add(split);
            }

            response.Models.Add(info);
        }

        return Task.FromResult(response);
    }

    private static Marshaller<T> Strict<T>(MessageParser<T> parser)
        where T : IMessage<T> => Marshallers.Create<T>(
            m => m.ToByteArray(),
            bytes =>
            {
                try
                {
                    return parser.ParseFrom(bytes);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw Refuse(StatusCode.InvalidArgument, $"the request body is not a valid {typeof(T).Name} message: {e.Message}");
                }
            });

    private static void CheckFinite(ReadOnlySpan<byte> bytes, int size)
    {
        var values = MemoryMarshal.Cast<byte, float>(bytes);
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw Refuse(StatusCode.InvalidArgument, $"activation value {i} (sample {i / size}) is {values[i]}; every value must be finite.");
            }
        }
    }

    private static RpcException Refuse(StatusCode code, string detail) => new(new Status(code, detail));

    private async Task<InferResponse> InferChecked(InferRequest request, string requestId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.ModelId) || string.IsNullOrEmpty(request.ModelVersion))
        {
            throw Refuse(StatusCode.InvalidArgument, $"model_id and model_version are required (got '{request.ModelId}' and '{request.ModelVersion}').");
        }

        var (model, missing) = state.Registry.TryAcquire(request.ModelId, request.ModelVersion);
        if (model is null)
        {
            throw Refuse(StatusCode.NotFound, missing!);
        }

        try
        {
            int exits = model.Model.ExitCount;
            if (request.SplitExit < 1 || request.SplitExit >= exits)
            {
                throw Refuse(StatusCode.InvalidArgument, $"split_exit {request.SplitExit} is out of range: model {model.Identity} has {exits} exits, so the edge holds 1..{exits - 1} of them.");
            }

            var expected = model.ActivationShapes[request.SplitExit - 1];
            string expectedText = $"[n, {string.Join(", ", expected)}]";
            if (request.Shape.Count != expected.Count + 1 || request.Shape.Skip(1).Zip(expected).Any(p => p.First != p.Second))
            {
                throw Refuse(StatusCode.InvalidArgument, $"shape [{string.Join(", ", request.Shape)}] does not fit split {request.SplitExit} of {model.Identity}: expected {expectedText}.");
            }

            long n = request.Shape[0];
            if (n < 1)
            {
                throw Refuse(StatusCode.InvalidArgument, $"shape [{string.Join(", ", request.Shape)}] has {n} samples; expected at least 1.");
            }

            if (n > state.Options.MaxBatchSize)
            {
                throw Refuse(StatusCode.ResourceExhausted, $"the request holds {n} samples; this service takes at most {state.Options.MaxBatchSize} per request.");
            }

            int size = expected.Aggregate(1, (a, d) => a * d);
            long bytes = 4 * n * size;
            if (request.Activations.Length != bytes)
            {
                throw Refuse(StatusCode.InvalidArgument, $"activations has {request.Activations.Length} bytes but {n} float32 activations of shape [{string.Join(", ", expected)}] need {bytes}.");
            }

            if (request.SampleIds.Count != 0 && request.SampleIds.Count != n)
            {
                throw Refuse(StatusCode.InvalidArgument, $"sample_ids has {request.SampleIds.Count} entries; give none or one per sample ({n}).");
            }

            int cloudEarly = exits - 1 - request.SplitExit;
            if (request.Thresholds.Count != 0 && (request.Thresholds.Count != cloudEarly || request.Thresholds.Any(t => !float.IsFinite(t) || t < 0)))
            {
                throw Refuse(StatusCode.InvalidArgument, $"thresholds [{string.Join(", ", request.Thresholds)}] must be empty (the model's own) or give {cloudEarly} finite values >= 0 for the cloud's early exits.");
            }

            CheckFinite(request.Activations.Span, size);

            var partition = model.Partition(request.SplitExit);
            var clock = Stopwatch.StartNew();
            await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            MLNet.Inference.EarlyExitBatchResult result;
            try
            {
                result = partition.Predict(MemoryMarshal.Cast<byte, float>(request.Activations.Span), (int)n, request.Thresholds.Count == 0 ? null : request.Thresholds);
            }
            finally
            {
                state.Gate.Release();
            }

            var response = new InferResponse { ModelVersion = model.Identity.Version };
            for (int i = 0; i < n; i++)
            {
                var p = result.Predictions[i];
                var answer = new Answer { SampleId = request.SampleIds.Count == 0 ? i : request.SampleIds[i], PredictedClass = p.PredictedClass, Exit = p.Exit, Score = p.Score };
                answer.Probabilities.AddRange(p.Probabilities);
                response.Answers.Add(answer);
            }

            var counts = result.ExitCounts();
            string exitText = string.Join(", ", Enumerable.Range(request.SplitExit, exits - request.SplitExit).Select(m => $"{m}:{counts[m]}"));
            ServingLog.Inferred(logger, requestId, model.Identity.Id, model.Identity.Version, request.SplitExit, (int)n, exitText, clock.Elapsed.TotalMilliseconds);
            return response;
        }
        finally
        {
            model.Exit();
        }
    }
}
