using System.Security.Cryptography;
using ClassyNet.Edge;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Inference;
using Microsoft.Extensions.Logging;

namespace ClassyNet.Serving;

/// <summary>
/// End-to-end measurement of a model split between an edge and the cloud, on this machine, over real loopback gRPC:
/// one <see cref="CloudPartServer"/> (on 127.0.0.1, an ephemeral port, a random API key) holds the model; each
/// <see cref="MeasureAsync"/> exports the edge part for a split exit, runs it on ONNX Runtime (<see cref="EdgeRuntime"/>)
/// and sends the rest through a <see cref="LinkEmulator"/> (added round-trip time, bandwidth cap) to the service, batch
/// by batch, recording accuracy and each batch's end-to-end latency (<see cref="SplitEvaluation"/>).
/// </summary>
/// <example>
/// <code>
/// await using var deployment = await SplitDeployment.StartAsync(model, "r20-cn");
/// var link = new LinkEmulatorOptions { RoundTripTime = TimeSpan.FromMilliseconds(200), BandwidthBytesPerSecond = 1_250_000 };
/// SplitEvaluationResult result = await deployment.MeasureAsync(splitExit: 1, test, link, batchSize: 16);
/// Console.WriteLine($"{result.Accuracy:P2}, {result.TotalLatency.TotalMilliseconds:F0} ms");
/// </code>
/// </example>
public sealed class SplitDeployment : IAsyncDisposable
{
    private readonly CloudPartServer _server;
    private readonly string _apiKey;

    private SplitDeployment(ClassyNetModel model, string modelId, CloudPartServer server, string apiKey)
    {
        Model = model;
        ModelId = modelId;
        _server = server;
        _apiKey = apiKey;
    }

    /// <summary>The model (the service holds it; the caller keeps ownership).</summary>
    public ClassyNetModel Model { get; }

    /// <summary>The id the model is served under.</summary>
    public string ModelId { get; }

    /// <summary>The service's address (without the link emulator).</summary>
    public Uri ServiceAddress => _server.Address;

    /// <summary>
    /// Starts a cloud-part service holding <paramref name="model"/> as <paramref name="modelId"/> on 127.0.0.1.
    /// <paramref name="maxConcurrentInferences"/> bounds how many cloud requests run at once (default: the processor
    /// count); logging goes nowhere unless <paramref name="configureLogging"/> says otherwise.
    /// </summary>
    public static async Task<SplitDeployment> StartAsync(ClassyNetModel model, string modelId, int? maxConcurrentInferences = null, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        string apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var server = await CloudPartServer.StartAsync(
            new CloudPartServerOptions
            {
                Urls = "http://127.0.0.1:0",
                ApiKey = apiKey,
                MaxConcurrentInferences = maxConcurrentInferences ?? Environment.ProcessorCount,
                ConfigureLogging = configureLogging ?? (_ => { }),
            },
            cancellationToken).ConfigureAwait(false);
        try
        {
            server.Registry.Add(model, modelId);
            return new SplitDeployment(model, modelId, server, apiKey);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Measures the split after <paramref name="splitExit"/> exits (1..M; M runs everything on the edge) on the raw,
    /// labelled <paramref name="testSet"/> (as loaded: the edge graph applies the model's normalisation), in batches of
    /// <paramref name="batchSize"/> one after another, with the edge-to-cloud path shaped by <paramref name="link"/>.
    /// <paramref name="thresholds"/> (M - 1 values) replaces the model's thresholds for this deployment. One batch is
    /// classified first, untimed, so connection set-up and first-call costs are not in the figures.
    /// </summary>
    public async Task<SplitEvaluationResult> MeasureAsync(
        int splitExit,
        TensorDataset testSet,
        LinkEmulatorOptions link,
        int batchSize = 16,
        IReadOnlyList<float>? thresholds = null,
        EdgeRuntimeOptions? edgeOptions = null,
        CloudClientOptions? clientOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentNullException.ThrowIfNull(link);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var model = thresholds is null ? Model : Model.WithThresholds(thresholds);
        int inputSize = model.InputShape.Aggregate(1, (a, d) => a * d);
        if (testSet.SampleSize != inputSize || testSet.Labels.Any(l => l < 0 || l >= model.ClassCount))
        {
            throw new ArgumentException($"testSet has samples of shape [{string.Join(", ", testSet.SampleShape)}] and labels up to {(testSet.Count == 0 ? -1 : testSet.Labels.Max())}; the model takes [{string.Join(", ", model.InputShape)}] ({inputSize} values) and labels 0..{model.ClassCount - 1}.", nameof(testSet));
        }
        var split = new ModelSplit(model, splitExit, ModelId);
        var folder = Directory.CreateTempSubdirectory("classynet-split-");
        try
        {
            split.ExportEdgePackage(folder.FullName);
            using var runtime = new EdgeRuntime(EdgePackage.Load(folder.FullName), edgeOptions);
            await using var emulator = LinkEmulator.Start(ServiceAddress, link);
            using var client = split.IsComplete ? null : new CloudPartClient(new CloudClientOptions
            {
                Address = emulator.Address,
                ApiKey = _apiKey,
                AttemptTimeout = clientOptions?.AttemptTimeout ?? TimeSpan.FromSeconds(60),
                MaxAttempts = clientOptions?.MaxAttempts ?? 4,
                InitialBackoff = clientOptions?.InitialBackoff ?? TimeSpan.FromMilliseconds(100),
                BackoffMultiplier = clientOptions?.BackoffMultiplier ?? 2,
                MaxBackoff = clientOptions?.MaxBackoff ?? TimeSpan.FromSeconds(2),
                MaxSamplesPerRequest = clientOptions?.MaxSamplesPerRequest ?? 256,
            });
            var classifier = new EdgeClassifier(runtime, client);
            int warm = Math.Min(batchSize, testSet.Count);
            if (warm > 0)
            {
                await classifier.ClassifyAsync(testSet.Features.AsMemory(0, warm * testSet.SampleSize), warm, cancellationToken).ConfigureAwait(false);
            }

            return await SplitEvaluation.RunAsync(classifier, testSet.Features, testSet.Labels, batchSize, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
