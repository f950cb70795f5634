using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using ClassyNet.Serving.Protocol;
using Google.Protobuf;

namespace ClassyNet.Edge.App;

/// <summary>
/// <c>classynet-edge load</c>: drives the cloud-part service with concurrent clients (each sending requests one after
/// another, without retries) and reports throughput and latency quantiles as <c>RESULT</c> lines. The activations are
/// the edge part's real outputs for random inputs.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var package = EdgeCommandOptions.Package();
        var cloud = EdgeCommandOptions.Cloud();
        var keyFile = EdgeCommandOptions.ApiKeyFile();
        var clients = new Option<int>("--clients") { Description = "Concurrent clients.", DefaultValueFactory = _ => 32 };
        var requests = new Option<int>("--requests") { Description = "Requests per client.", DefaultValueFactory = _ => 200 };
        var batch = new Option<int>("--batch") { Description = "Activations per request.", DefaultValueFactory = _ => 1 };
        var command = new Command("load", "Measure the cloud-part service's throughput and p50/p99 latency with concurrent clients.") { package, cloud, keyFile, clients, requests, batch };
        command.SetAction((r, ct) => Run(r.GetValue(package)!, r.GetValue(cloud), r.GetValue(keyFile), r.GetValue(clients), r.GetValue(requests), r.GetValue(batch), ct));
        return command;
    }

    private static async Task<int> Run(string packagePath, string? cloudAddress, string? keyFile, int clients, int requests, int batch, CancellationToken cancellationToken)
    {
        if (clients < 1 || requests < 1 || batch < 1)
        {
            throw new ArgumentException($"--clients, --requests and --batch must be >= 1; got {clients}, {requests}, {batch}.");
        }

        var package = EdgePackage.Load(packagePath);
        var manifest = package.Manifest;
        if (manifest.IsComplete)
        {
            throw new ArgumentException($"The package in '{packagePath}' is the whole model; there is no cloud part to load.");
        }

        using var client = EdgeCommandOptions.Client(cloudAddress, keyFile, needed: true, TimeSpan.FromSeconds(30), attempts: 1, batch)!;
        var activations = Activations(package, batch);
        var latencies = new double[clients * requests];
        int errors = 0, wrong = 0;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(
            async () =>
            {
                for (int q = 0; q < requests; q++)
                {
                    var request = new InferRequest { ModelId = manifest.Model.Id, ModelVersion = manifest.Model.Version, SplitExit = manifest.SplitExit, Activations = activations };
                    request.Shape.Add(batch);
                    request.Shape.AddRange(manifest.ActivationShape.Select(d => (long)d));
                    request.Thresholds.AddRange(manifest.CloudThresholds);
                    for (int i = 0; i < batch; i++)
                    {
                        request.SampleIds.Add(((long)c << 32) | ((long)q * batch) + i);
                    }

                    long start = Stopwatch.GetTimestamp();
                    var result = await client.InferAsync(request, cancellationToken).ConfigureAwait(false);
                    latencies[(c * requests) + q] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (!result.Succeeded)
                    {
                        Interlocked.Increment(ref errors);
                    }
                    else if (result.Response!.Answers.Count != batch)
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
            },
            cancellationToken))).ConfigureAwait(false);
        double seconds = wall.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        int total = clients * requests;
        Console.WriteLine($"{clients} clients x {requests} requests of {batch} activation(s) [{string.Join(", ", manifest.ActivationShape)}] in {seconds:F2} s");
        Console.WriteLine($"RESULT cloud_requests_per_s {EdgeCommandOptions.F(total / seconds)}");
        Console.WriteLine($"RESULT cloud_samples_per_s {EdgeCommandOptions.F(total * (double)batch / seconds)}");
        Console.WriteLine($"RESULT cloud_latency_p50_ms {EdgeCommandOptions.F(latencies[total / 2])}");
        Console.WriteLine($"RESULT cloud_latency_p99_ms {EdgeCommandOptions.F(latencies[Math.Min(total - 1, (int)(total * 0.99))])}");
        Console.WriteLine($"RESULT cloud_errors {errors + wrong}");
        return errors + wrong == 0 ? 0 : 3;
    }

    /// <summary>Activations of <paramref name="batch"/> random inputs from the edge part (kept or not by the edge exits, the graph computes them all).</summary>
    private static ByteString Activations(EdgePackage package, int batch)
    {
        var manifest = package.Manifest;
        using var runtime = new EdgeRuntime(package);
        var random = new Random(1);
        var values = new List<float>();
        while (values.Count < batch * manifest.ActivationSize)
        {
            var inputs = Enumerable.Range(0, 64 * manifest.InputSize).Select(_ => random.NextSingle()).ToArray();
            var run = runtime.Run(inputs, 64);
            if (run.Pending.Count == 0)
            {
                throw new InvalidOperationException("Every random input left at an edge exit; the load test needs samples the edge hands on.");
            }

            values.AddRange(run.PendingActivations.ToArray());
        }

        return ByteString.CopyFrom(MemoryMarshal.AsBytes(values.Take(batch * manifest.ActivationSize).ToArray().AsSpan()));
    }
}
