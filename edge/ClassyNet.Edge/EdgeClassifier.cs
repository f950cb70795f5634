using System.Diagnostics;
using System.Runtime.InteropServices;
using ClassyNet.Serving.Protocol;
using Google.Protobuf;

namespace ClassyNet.Edge;

/// <summary>
/// The edge side of a split deployment: runs the edge part (<see cref="EdgeRuntime"/>), answers the samples that leave
/// at an edge exit, sends only the others' activations to the cloud part (<see cref="CloudPartClient"/>, in requests of
/// at most <see cref="CloudClientOptions.MaxSamplesPerRequest"/> samples, sent concurrently) and merges everything in
/// input order. A sample the cloud could not answer gets an explicit <see cref="EdgeAnswerSource.CloudUnavailable"/> or
/// <see cref="EdgeAnswerSource.CloudRejected"/> answer; none is dropped.
/// </summary>
public sealed class EdgeClassifier
{
    /// <summary>Creates a classifier; <paramref name="cloud"/> may be null only when the edge part is the whole model.</summary>
    public EdgeClassifier(EdgeRuntime runtime, CloudPartClient? cloud)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (cloud is null && !runtime.Package.Manifest.IsComplete)
        {
            throw new ArgumentNullException(nameof(cloud), $"The edge part stops after exit {runtime.Package.Manifest.SplitExit} of {runtime.Package.Manifest.ExitCount}: samples that do not leave on the edge need a cloud client.");
        }

        Runtime = runtime;
        Cloud = cloud;
    }

    /// <summary>The edge part.</summary>
    public EdgeRuntime Runtime { get; }

    /// <summary>The cloud client, or null when the edge part is the whole model.</summary>
    public CloudPartClient? Cloud { get; }

    /// <summary>Classifies <paramref name="count"/> raw samples stored row-major in <paramref name="inputs"/>.</summary>
    public async Task<EdgeBatchResult> ClassifyAsync(ReadOnlyMemory<float> inputs, int count, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var edge = Runtime.Run(inputs, count);
        var edgeTime = clock.Elapsed;
        var answers = new EdgeAnswer[count];
        for (int i = 0; i < count; i++)
        {
            answers[i] = edge.Answers[i]!;
        }

        if (edge.Pending.Count == 0)
        {
            return new EdgeBatchResult(answers, edgeTime, TimeSpan.Zero, 0, 0, 0);
        }

        var manifest = Runtime.Package.Manifest;
        var cloud = Cloud!;
        int chunk = cloud.Options.MaxSamplesPerRequest, size = manifest.ActivationSize;
        var requests = new List<(int Start, int Count, InferRequest Request)>();
        for (int start = 0; start < edge.Pending.Count; start += chunk)
        {
            int n = Math.Min(chunk, edge.Pending.Count - start);
            var request = new InferRequest
            {
                ModelId = manifest.Model.Id,
                ModelVersion = manifest.Model.Version,
                SplitExit = manifest.SplitExit,
                Activations = ByteString.CopyFrom(MemoryMarshal.AsBytes(edge.PendingActivations.Span.Slice(start * size, n * size))),
            };
            request.Shape.Add(n);
            request.Shape.AddRange(manifest.ActivationShape.Select(d => (long)d));
            request.Thresholds.AddRange(manifest.CloudThresholds);
            for (int r = 0; r < n; r++)
            {
                request.SampleIds.Add(edge.Pending[start + r]);
            }

            requests.Add((start, n, request));
        }

        var cloudClock = Stopwatch.StartNew();
        var results = await Task.WhenAll(requests.Select(r => cloud.InferAsync(r.Request, cancellationToken))).ConfigureAwait(false);
        var cloudTime = cloudClock.Elapsed;
        for (int q = 0; q < requests.Count; q++)
        {
            var (start, n, _) = requests[q];
            var result = results[q];
            for (int r = 0; r < n; r++)
            {
                int index = edge.Pending[start + r];
                if (result.Response is { } response)
                {
                    var a = response.Answers[r];
                    answers[index] = EdgeAnswer.Answered(EdgeAnswerSource.Cloud, a.PredictedClass, a.Exit, a.Score, [.. a.Probabilities]);
                }
                else
                {
                    string error = $"{result.Status.StatusCode} after {result.Attempts} attempt(s): {result.Status.Detail}";
                    answers[index] = EdgeAnswer.Unanswered(result.IsUnavailable ? EdgeAnswerSource.CloudUnavailable : EdgeAnswerSource.CloudRejected, error);
                }
            }
        }

        return new EdgeBatchResult(answers, edgeTime, cloudTime, requests.Count, results.Sum(r => r.Attempts), requests.Sum(r => (long)r.Request.Activations.Length));
    }
}
