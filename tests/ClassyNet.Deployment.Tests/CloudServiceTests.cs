using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using ClassyNet.MLNet.Deployment;
using ClassyNet.Serving;
using ClassyNet.Serving.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Deployment.Tests;

/// <summary>The cloud-part service on real Kestrel: keys, statuses for bad requests, health, logs, model listing.</summary>
[TestClass]
public sealed class CloudServiceTests
{
    [TestMethod]
    [Timeout(60_000)]
    public async Task MissingOrWrongKeyIsUnauthenticatedOverGrpcAndHttp()
    {
        var model = DeploymentModels.Mlp();
        var split = new ModelSplit(model, 1, "mlp");
        await using var service = await TestService.StartAsync([(model, "mlp")]);
        var request = CloudRequests.Request(split, CloudRequests.Activations(model, 1, 2, seed: 1), 0, 2);

        using var wrong = service.Client(apiKey: "not-the-key-at-all", attempts: 3);
        var refused = await wrong.InferAsync(request);
        Assert.AreEqual(StatusCode.Unauthenticated, refused.Status.StatusCode, refused.Status.Detail);
        Assert.AreEqual(1, refused.Attempts, "an authentication failure is not retried");

        using var channel = GrpcChannel.ForAddress(service.Address);
        var bare = new CloudPart.CloudPartClient(channel);
        var missing = await Assert.ThrowsExactlyAsync<RpcException>(async () => await bare.InferAsync(request));
        Assert.AreEqual(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.AreEqual(StatusCode.Unauthenticated, (await Assert.ThrowsExactlyAsync<RpcException>(async () => await bare.ListModelsAsync(new ListModelsRequest()))).StatusCode);

        using var http = H2c();
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri(service.Address, "/admin/models"))).StatusCode);
        using var keyed = new HttpRequestMessage(HttpMethod.Get, new Uri(service.Address, "/admin/models")) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        keyed.Headers.Add(CloudPartHeaders.ApiKey, "wrong-key-wrong-key");
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await http.SendAsync(keyed)).StatusCode);

        using var good = service.Client();
        Assert.IsTrue((await good.InferAsync(request)).Succeeded);
        Assert.IsTrue(service.Logs.Events.Any(e => e.Id.Id == 30 && e.Message.Contains("wrong API key", StringComparison.Ordinal)), "refused keys are logged");
    }

    [TestMethod]
    [Timeout(60_000)]
    public async Task BadRequestsGetTheirStatusWhileOtherClientsAreServed()
    {
        var model = DeploymentModels.Mlp();
        var split = new ModelSplit(model, 1, "mlp");
        await using var service = await TestService.StartAsync([(model, "mlp")], o => new CloudPartServerOptions
        {
            Urls = o.Urls, ApiKey = o.ApiKey, ConfigureLogging = o.ConfigureLogging, MaxRequestBytes = 64 * 1024, MaxBatchSize = 100,
        });
        var activations = CloudRequests.Activations(model, 1, 200, seed: 2);
        using var client = service.Client(attempts: 1);

        // A well-behaved client keeps sending while the bad requests arrive; none of its requests may fail.
        using var stop = new CancellationTokenSource();
        int served = 0, disturbed = 0;
        var background = Task.Run(async () =>
        {
            using var other = service.Client(attempts: 1);
            while (!stop.IsCancellationRequested)
            {
                var r = await other.InferAsync(CloudRequests.Request(split, activations, 0, 4));
                Interlocked.Increment(ref r.Succeeded ? ref served : ref disturbed);
            }
        });

        async Task Expect(StatusCode code, InferRequest request, string because)
        {
            var result = await client.InferAsync(request);
            Assert.AreEqual(code, result.Status.StatusCode, $"{because}: {result.Status.Detail}");
            Assert.IsFalse(string.IsNullOrEmpty(result.Status.Detail), $"{because}: the status explains itself");
        }

        InferRequest Good() => CloudRequests.Request(split, activations, 0, 3);
        var truncated = Good();
        truncated.Activations = ByteString.CopyFrom(truncated.Activations.Span[..^4]);
        await Expect(StatusCode.InvalidArgument, truncated, "payload shorter than its shape");
        var nan = Good();
        var values = MemoryMarshal.Cast<byte, float>(nan.Activations.ToByteArray()).ToArray();
        values[5] = float.NaN;
        nan.Activations = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        await Expect(StatusCode.InvalidArgument, nan, "a NaN activation");
        var shape = Good();
        shape.Shape[1] = 17;
        await Expect(StatusCode.InvalidArgument, shape, "wrong activation shape");
        var rank = Good();
        rank.Shape.Add(1);
        await Expect(StatusCode.InvalidArgument, rank, "wrong rank");
        var splitExit = Good();
        splitExit.SplitExit = 3;
        await Expect(StatusCode.InvalidArgument, splitExit, "split after the last exit");
        var ids = Good();
        ids.SampleIds.RemoveAt(0);
        await Expect(StatusCode.InvalidArgument, ids, "sample ids for some samples only");
        var thresholds = Good();
        thresholds.Thresholds.AddRange([0.5f, 0.5f]);
        await Expect(StatusCode.InvalidArgument, thresholds, "two thresholds for one cloud early exit");
        var noId = Good();
        noId.ModelId = string.Empty;
        await Expect(StatusCode.InvalidArgument, noId, "no model id");
        var unknown = Good();
        unknown.ModelId = "no-such-model";
        await Expect(StatusCode.NotFound, unknown, "unknown model");
        var version = Good();
        version.ModelVersion = "0000000000000000";
        await Expect(StatusCode.NotFound, version, "unknown version");
        await Expect(StatusCode.ResourceExhausted, CloudRequests.Request(split, activations, 0, 101), "more samples than MaxBatchSize");
        var huge = Good();
        huge.RequestId = new string('x', 80 * 1024);
        await Expect(StatusCode.ResourceExhausted, huge, "a message above MaxRequestBytes");

        // A body that is not a protobuf message at all: the framework cannot decode it.
        using var http = H2c();
        using var junk = new HttpRequestMessage(HttpMethod.Post, new Uri(service.Address, "/classynet.cloudpart.v1.CloudPart/Infer"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        };
        junk.Content.Headers.ContentType = new("application/grpc");
        junk.Headers.Add(CloudPartHeaders.ApiKey, TestService.ApiKey);
        junk.Headers.TE.ParseAdd("trailers");
        using var response = await http.SendAsync(junk);
        await response.Content.ReadAsByteArrayAsync();
        string? status = response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : response.TrailingHeaders.TryGetValues("grpc-status", out var t) ? t.First() : null;
        Assert.AreEqual(((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture), status, "an undecodable message is refused as an invalid argument");

        await stop.CancelAsync();
        await background;
        Assert.AreEqual(0, disturbed, "the other client's requests all succeeded");
        Assert.IsTrue(served > 0, "the other client was served during the test");
        Assert.IsTrue((await client.InferAsync(Good())).Succeeded, "the service still answers after the bad requests");
    }

    [TestMethod]
    [Timeout(60_000)]
    public async Task HealthAndReadinessOnTheServiceAndProbePorts()
    {
        int probePort = FreePort();
        await using var service = await TestService.StartAsync([], o => new CloudPartServerOptions
        {
            Urls = o.Urls, ApiKey = o.ApiKey, ConfigureLogging = o.ConfigureLogging, ProbeUrls = $"http://127.0.0.1:{probePort}",
        });
        using var h2 = H2c();
        using var h1 = new HttpClient();
        var probe = new Uri($"http://127.0.0.1:{probePort}");
        Assert.AreEqual(HttpStatusCode.OK, (await h2.GetAsync(new Uri(service.Address, "/healthz"))).StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, (await h1.GetAsync(new Uri(probe, "/healthz"))).StatusCode, "HTTP/1.1 probe port");
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, (await h2.GetAsync(new Uri(service.Address, "/readyz"))).StatusCode, "not ready without a model");
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, (await h1.GetAsync(new Uri(probe, "/readyz"))).StatusCode);

        service.Server.Registry.Add(DeploymentModels.Mlp(), "mlp");
        Assert.AreEqual(HttpStatusCode.OK, (await h2.GetAsync(new Uri(service.Address, "/readyz"))).StatusCode, "ready once a model is loaded");
        Assert.AreEqual(HttpStatusCode.OK, (await h1.GetAsync(new Uri(probe, "/readyz"))).StatusCode);
    }

    [TestMethod]
    [Timeout(60_000)]
    public async Task RequestsAreLoggedWithStructuredFieldsAndModelsAreListed()
    {
        var model = DeploymentModels.ResNet();
        var split = new ModelSplit(model, 2, "resnet");
        await using var service = await TestService.StartAsync([(model, "resnet")]);
        using var client = service.Client();
        var request = CloudRequests.Request(split, CloudRequests.Activations(model, 2, 5, seed: 4), 0, 5);
        request.RequestId = "req-42";
        Assert.IsTrue((await client.InferAsync(request)).Succeeded);

        var logged = service.Logs.Events.Single(e => e.Id.Id == 20);
        Assert.AreEqual("req-42", logged.Fields["RequestId"]);
        Assert.AreEqual("resnet", logged.Fields["ModelId"]);
        Assert.AreEqual(split.Identity.Version, logged.Fields["ModelVersion"]);
        Assert.AreEqual(2, logged.Fields["SplitExit"]);
        Assert.AreEqual(5, logged.Fields["Samples"]);
        Assert.IsInstanceOfType<double>(logged.Fields["ElapsedMs"]);
        Assert.IsTrue(service.Logs.Events.Any(e => e.Id.Id == 1), "start-up is logged");

        var listed = (await client.ListModelsAsync()).Models.Single();
        Assert.AreEqual(split.Identity.Version, listed.ModelVersion);
        Assert.IsTrue(listed.Current);
        Assert.AreEqual(3, listed.ExitCount);
        for (int k = 1; k <= 2; k++)
        {
            CollectionAssert.AreEqual(new ModelSplit(model, k, "resnet").ActivationShape.Select(d => (long)d).ToArray(), listed.Splits[k - 1].ActivationShape.ToArray(), $"split {k}");
        }

        using var http = H2c();
        using var admin = new HttpRequestMessage(HttpMethod.Get, new Uri(service.Address, "/admin/models")) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        admin.Headers.Add(CloudPartHeaders.ApiKey, TestService.ApiKey);
        var models = await (await http.SendAsync(admin)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.AreEqual(split.Identity.Version, models[0].GetProperty("version").GetString());
    }

    [TestMethod]
    public void OptionsAreCheckedWithTheSettingNamed()
    {
        var tooShort = Assert.ThrowsExactly<ArgumentException>(() => CloudPartServer.StartAsync(new CloudPartServerOptions { ApiKey = "short" }).GetAwaiter().GetResult());
        StringAssert.Contains(tooShort.Message, "ApiKey");
        var url = Assert.ThrowsExactly<ArgumentException>(() => CloudPartServer.StartAsync(new CloudPartServerOptions { ApiKey = TestService.ApiKey, Urls = "http://example.com:80" }).GetAwaiter().GetResult());
        StringAssert.Contains(url.Message, "example.com");
    }

    /// <summary>An HTTP client speaking HTTP/2 without TLS (prior knowledge), as gRPC does.</summary>
    internal static HttpClient H2c() => new() { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

    /// <summary>A TCP port that was free a moment ago.</summary>
    internal static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
