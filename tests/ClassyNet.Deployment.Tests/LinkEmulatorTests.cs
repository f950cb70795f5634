using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ClassyNet.Edge;
using ClassyNet.MLNet.Deployment;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Deployment.Tests;

/// <summary>The link emulator adds the round-trip time and caps the bandwidth it is given, for any TCP traffic.</summary>
[TestClass]
public sealed class LinkEmulatorTests
{
    [TestMethod]
    [Timeout(30_000)]
    public async Task AddsTheRoundTripTimeToEveryExchange()
    {
        await using var echo = EchoServer.Start();
        await using var link = LinkEmulator.Start(echo.Address, new LinkEmulatorOptions { RoundTripTime = TimeSpan.FromMilliseconds(120) });
        using var socket = await Connect(link.Address);
        var buffer = new byte[1];
        var times = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            await socket.SendAsync(new byte[] { 7 }, SocketFlags.None);
            Assert.AreEqual(1, await socket.ReceiveAsync(buffer, SocketFlags.None));
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        Assert.IsTrue(times.All(t => t >= 119), $"each exchange takes at least the RTT: [{string.Join(", ", times.Select(t => t.ToString("F1")))}] ms");
        Assert.IsTrue(times.Min() < 120 + 250, $"and not much more on an idle link: [{string.Join(", ", times.Select(t => t.ToString("F1")))}] ms");
        Assert.AreEqual(3, link.BytesToTarget);
        Assert.AreEqual(3, link.BytesFromTarget);
    }

    [TestMethod]
    [Timeout(30_000)]
    public async Task CapsTheBandwidth()
    {
        await using var echo = EchoServer.Start();
        const int bytes = 150_000, capacity = 1_000_000; // 0.15 s on the link each way
        await using var link = LinkEmulator.Start(echo.Address, new LinkEmulatorOptions { BandwidthBytesPerSecond = capacity });
        using var socket = await Connect(link.Address);
        var payload = new byte[bytes];
        var clock = Stopwatch.StartNew();
        var send = socket.SendAsync(payload, SocketFlags.None);
        var buffer = new byte[64 * 1024];
        int received = 0;
        while (received < bytes)
        {
            received += await socket.ReceiveAsync(buffer, SocketFlags.None);
        }

        await send;
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.IsTrue(seconds >= 0.15, $"{bytes} bytes at {capacity} B/s cannot arrive in {seconds:F3} s");
        Assert.IsTrue(seconds < 1.5, $"took {seconds:F3} s");
    }

    [TestMethod]
    [Timeout(60_000)]
    public async Task GrpcCallsCrossTheEmulatedLink()
    {
        var model = DeploymentModels.Mlp();
        var split = new ModelSplit(model, 1, "mlp");
        await using var service = await TestService.StartAsync([(model, "mlp")]);
        await using var link = LinkEmulator.Start(service.Address, new LinkEmulatorOptions { RoundTripTime = TimeSpan.FromMilliseconds(80) });
        using var client = TestService.Client(link.Address);
        var request = CloudRequests.Request(split, CloudRequests.Activations(model, 1, 4, seed: 1), 0, 4);
        Assert.IsTrue((await client.InferAsync(request)).Succeeded, "connection set-up");
        var clock = Stopwatch.StartNew();
        var result = await client.InferAsync(request);
        Assert.IsTrue(result.Succeeded);
        Assert.IsTrue(clock.Elapsed.TotalMilliseconds >= 79, $"a call on an open connection still takes one RTT: {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.IsTrue(link.BytesToTarget > request.Activations.Length, "the request crossed the link");
    }

    [TestMethod]
    public void OptionsAreChecked()
    {
        var target = new Uri("http://127.0.0.1:1");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => LinkEmulator.Start(target, new LinkEmulatorOptions { RoundTripTime = TimeSpan.FromMilliseconds(-1) })).Message, "RoundTripTime");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => LinkEmulator.Start(target, new LinkEmulatorOptions { BandwidthBytesPerSecond = 0 })).Message, "BandwidthBytesPerSecond");
    }

    private static async Task<Socket> Connect(Uri address)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, address.Port);
        return socket;
    }

    /// <summary>A TCP server on 127.0.0.1 that sends back whatever it receives.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _loop;

        private EchoServer(TcpListener listener)
        {
            _listener = listener;
            _loop = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        var client = await _listener.AcceptSocketAsync();
                        _ = Task.Run(async () =>
                        {
                            using (client)
                            {
                                var buffer = new byte[64 * 1024];
                                int n;
                                while ((n = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                                {
                                    await client.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                                }
                            }
                        });
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }
            });
        }

        public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

        public static EchoServer Start()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new EchoServer(listener);
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _loop;
        }
    }
}
