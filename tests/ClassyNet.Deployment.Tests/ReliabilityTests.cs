using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ClassyNet.Edge;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Tests;
using ClassyNet.Serving;
using ClassyNet.Serving.Protocol;
using Grpc.Core;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Deployment.Tests;

/// <summary>The reliability checks, over real Kestrel on 127.0.0.1, bounded in count and time.</summary>
[TestClass]
public sealed class ReliabilityTests
{
    [TestMethod]
    [Timeout(120_000)]
    public async Task ThirtyTwoClientsTimesTwoHundredRequestsLoseAndDuplicateNothing()
    {
        const int clients = 32, requests = 200;
        var model = DeploymentModels.Mlp();
        var split = new ModelSplit(model, 1, "mlp");
        var activations = CloudRequests.Activations(model, 1, 64, seed: 5);
        var expected = split.CreateCloudPartition().Predict(activations, 64);
        await using var service = await TestService.StartAsync([(model, "mlp")]);
        var answered = new ConcurrentDictionary<long, int>();
        int failures = 0, mismatches = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            using var client = service.Client(attempts: 1);
            for (int q = 0; q < requests; q++)
            {
                int sample = ((c * requests) + q) % 64;
                long id = ((long)c * requests) + q;
                var result = await client.InferAsync(CloudRequests.Request(split, activations, sample, 1, [id]));
                if (!result.Succeeded)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }

                var answer = result.Response!.Answers.Single();
                answered.AddOrUpdate(answer.SampleId, 1, (_, n) => n + 1);
                if (answer.SampleId != id || answer.PredictedClass != expected.Predictions[sample].PredictedClass || answer.Exit != expected.Predictions[sample].Exit)
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        })));

        Assert.AreEqual(0, failures, "no request failed");
        Assert.AreEqual(0, mismatches, "every answer is the right sample's");
        Assert.AreEqual(clients * requests, answered.Count, "every sample was answered");
        Assert.IsTrue(answered.Values.All(n => n == 1), "no sample was answered twice");
    }

    [TestMethod]
    [Timeout(120_000)]
    public async Task ServiceRestartedMidRunEverySampleAnsweredExactlyOnce()
    {
        var model = DeploymentModels.Mlp();
        const int n = 240, batch = 8;
        var raw = DeploymentModels.Inputs(model, n, seed: 9);
        model = SplitEquivalenceTests.MedianThresholds(model, raw, n);
        var unsplit = model.Predict(new TensorDataset(raw, new int[n], [.. model.InputShape]), batchSize: n);
        using var packages = new EdgePackages();
        var package = packages.Export(model, 1, "mlp");
        int port = CloudServiceTests.FreePort();
        string urls = $"http://127.0.0.1:{port}";
        var service = await TestService.StartAsync([(model, "mlp")], urls: urls);
        using var client = TestService.Client(service.Address, attempts: 8);
        using var runtime = new EdgeRuntime(package);
        var classifier = new EdgeClassifier(runtime, client);

        var answers = new EdgeAnswer[n];
        int retried = 0;
        var restarted = false;
        for (int start = 0; start < n; start += batch)
        {
            if (start == n / 3)
            {
                // Restart while batches keep coming: the service goes down, the next batches' requests fail and are
                // retried with backoff until the new instance (same port) answers.
                var stop = service.DisposeAsync().AsTask();
                var restart = Task.Run(async () =>
                {
                    await stop;
                    await Task.Delay(300);
                    return await TestService.StartAsync([(model, "mlp")], urls: urls);
                });
                var during = await classifier.ClassifyAsync(raw.AsMemory(start * model.InputShape.Aggregate(1, (a, d) => a * d), batch * model.InputShape.Aggregate(1, (a, d) => a * d)), batch);
                during.Answers.ToArray().CopyTo(answers, start);
                retried += during.CloudAttempts - during.CloudRequests;
                service = await restart;
                restarted = true;
                continue;
            }

            int size = model.InputShape.Aggregate(1, (a, d) => a * d);
            var result = await classifier.ClassifyAsync(raw.AsMemory(start * size, batch * size), batch);
            result.Answers.ToArray().CopyTo(answers, start);
            retried += result.CloudAttempts - result.CloudRequests;
        }

        await service.DisposeAsync();
        Assert.IsTrue(restarted);
        Assert.IsTrue(retried > 0, "some request met the restart and was retried");
        Assert.IsTrue(answers.All(a => a.IsAnswered), "every sample answered: " + string.Join("; ", answers.Where(a => !a.IsAnswered).Take(3)));
        SplitEquivalenceTests.AssertSame(unsplit, answers, splitExit: 1);
    }

    [TestMethod]
    [Timeout(60_000)]
    public async Task ServiceDownEveryCloudSampleGetsAnExplicitUnavailableAnswer()
    {
        var model = DeploymentModels.Mlp();
        const int n = 64;
        var raw = DeploymentModels.Inputs(model, n, seed: 13);
        model = SplitEquivalenceTests.MedianThresholds(model, raw, n);
        var unsplit = model.Predict(new TensorDataset(raw, new int[n], [.. model.InputShape]), batchSize: n);
        using var packages = new EdgePackages();
        using var runtime = new EdgeRuntime(packages.Export(model, 1, "mlp"));
        using var client = TestService.Client(new Uri($"http://127.0.0.1:{CloudServiceTests.FreePort()}"), attempts: 3, maxSamples: 16);
        var clock = Stopwatch.StartNew();
        var result = await new EdgeClassifier(runtime, client).ClassifyAsync(raw, n);
        clock.Stop();

        int edge = 0, unavailable = 0;
        for (int i = 0; i < n; i++)
        {
            var a = result.Answers[i];
            if (unsplit.Predictions[i].Exit == 0)
            {
                edge++;
                Assert.AreEqual(EdgeAnswerSource.Edge, a.Source, $"sample {i} left at exit 1");
                Assert.AreEqual(unsplit.Predictions[i].PredictedClass, a.PredictedClass, $"sample {i}");
            }
            else
            {
                unavailable++;
                Assert.AreEqual(EdgeAnswerSource.CloudUnavailable, a.Source, $"sample {i}");
                Assert.AreEqual(-1, a.PredictedClass);
                StringAssert.Contains(a.Error, "Unavailable after 3 attempt(s)");
            }
        }

        Assert.IsTrue(edge > 0 && unavailable > 0, $"{edge} edge and {unavailable} cloud samples");
        Assert.AreEqual(result.CloudRequests * 3, result.CloudAttempts, "each request used its whole retry budget");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(10), $"the retry budget is bounded (took {clock.Elapsed})");
    }

    [TestMethod]
    [Timeout(120_000)]
    public async Task HotSwapDropsNoRequestAndRetiresOldVersionsAfterTheirRequests()
    {
        using var folder = new TempDirectory();
        var v1 = DeploymentModels.Mlp(seed: 1);
        var v2 = DeploymentModels.Mlp(seed: 2);
        var v3 = DeploymentModels.Mlp(seed: 3);
        v2.Save(folder.File("v2.zip"));
        v3.Save(folder.File("v3.zip"));
        var split1 = new ModelSplit(v1, 1, "m");
        var split2 = new ModelSplit(v2, 1, "m");
        var split3 = new ModelSplit(v3, 1, "m");
        Assert.AreNotEqual(split1.Identity.Version, split2.Identity.Version);
        var activations = CloudRequests.Activations(v1, 1, 16, seed: 3);
        await using var service = await TestService.StartAsync([(v1, "m")]);

        using var stop = new CancellationTokenSource();
        int served = 0, failed = 0;
        var hammer = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            using var client = service.Client(attempts: 1);
            while (!stop.IsCancellationRequested)
            {
                var r = await client.InferAsync(CloudRequests.Request(split1, activations, c, 4));
                Interlocked.Increment(ref r.Succeeded ? ref served : ref failed);
            }
        })).ToArray();

        await Task.Delay(300);
        using var http = CloudServiceTests.H2c();
        string loaded = await Load(http, service.Address, folder.File("v2.zip"));
        Assert.AreEqual(split2.Identity.Version, loaded, "the admin endpoint loaded v2");
        using (var client = service.Client())
        {
            Assert.IsTrue((await client.InferAsync(CloudRequests.Request(split2, activations, 0, 4))).Succeeded, "v2 answers");
            var listed = (await client.ListModelsAsync()).Models;
            Assert.AreEqual(split2.Identity.Version, listed.Single(m => m.Current).ModelVersion, "v2 is current");
        }

        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(hammer);
        Assert.AreEqual(0, failed, "no request on v1 failed while v2 was loaded beside it");
        Assert.IsTrue(served > 8, $"{served} requests served during the swap");

        // Loading v3 retires v1 (two versions are kept): v1 is refused from then on, v2 and v3 still answer.
        Assert.AreEqual(split3.Identity.Version, await Load(http, service.Address, folder.File("v3.zip")));
        using var after = service.Client(attempts: 1);
        var refused = await after.InferAsync(CloudRequests.Request(split1, activations, 0, 1));
        Assert.AreEqual(StatusCode.NotFound, refused.Status.StatusCode, refused.Status.Detail);
        Assert.IsTrue((await after.InferAsync(CloudRequests.Request(split2, activations, 0, 1))).Succeeded);
        Assert.IsTrue((await after.InferAsync(CloudRequests.Request(split3, activations, 0, 1))).Succeeded);
        Assert.IsTrue(service.Logs.Events.Any(e => e.Id.Id == 11 && (string?)e.Fields["ModelVersion"] == split1.Identity.Version), "the retirement is logged");
    }

    [TestMethod]
    [Timeout(120_000)]
    public async Task GracefulShutdownFinishesTheRequestInFlightAndRefusesNewOnes()
    {
        var model = DeploymentModels.R20();
        var split = new ModelSplit(model, 1, "r20");
        const int n = 96;
        var activations = CloudRequests.Activations(model, 1, n, seed: 6);
        var service = await TestService.StartAsync([(model, "r20")], o => new CloudPartServerOptions
        {
            Urls = o.Urls, ApiKey = o.ApiKey, ConfigureLogging = o.ConfigureLogging, ShutdownTimeout = TimeSpan.FromSeconds(30), MaxConcurrentInferences = 1,
        });
        using var client = service.Client(attempts: 1);
        // Sixteen requests queue behind one inference slot, so some are still running or waiting when the stop begins.
        var requests = Enumerable.Range(0, 16).Select(_ => client.InferAsync(CloudRequests.Request(split, activations, 0, n))).ToArray();
        var clock = Stopwatch.StartNew();
        int inFlight = 0;
        while ((inFlight = service.Server.Registry.Models().Single().InFlight) == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(1);
        }

        Assert.IsTrue(inFlight > 0, "requests are in flight");
        var stopping = service.Server.StopAsync();
        var results = await Task.WhenAll(requests);
        await stopping;

        // Every request the service had taken in when the stop began finishes; on a loaded machine a request may not have
        // reached the service yet, and that one must be refused as unavailable (never lost or left hanging).
        string statuses = string.Join("; ", results.Select(r => r.Succeeded ? "OK" : r.Status.ToString()));
        Assert.IsTrue(results.Count(r => r.Succeeded) >= inFlight, $"{inFlight} request(s) in flight when the stop began all finished: {statuses}");
        Assert.IsTrue(results.All(r => r.Succeeded || r.IsUnavailable), "the others were refused as unavailable (a transient status the edge retries): " + statuses);
        Assert.IsTrue(service.Logs.Events.Any(e => e.Id.Id == 2), "the stop is logged");
        var late = await client.InferAsync(CloudRequests.Request(split, activations, 0, 1));
        Assert.AreEqual(StatusCode.Unavailable, late.Status.StatusCode, "a stopped service is unavailable");
        await service.DisposeAsync();
    }

    private static async Task<string> Load(HttpClient http, Uri service, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(service, "/admin/models"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = JsonContent.Create(new LoadModelRequest { Path = path, Id = "m" }),
        };
        request.Headers.Add(CloudPartHeaders.ApiKey, TestService.ApiKey);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, body.ToString());
        return body.GetProperty("version").GetString()!;
    }
}
