using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace ClassyNet.Edge;

/// <summary>
/// A TCP relay on 127.0.0.1 that imitates a slower network between the edge and the cloud: every byte is delayed by
/// half the round-trip time in its direction and, with a bandwidth cap, serialised onto the link at that rate (a chunk
/// waits for the link to be free, occupies it for its size / capacity, then travels half the RTT). Point the edge's
/// cloud client at <see cref="Address"/> instead of the service; everything on the path (HTTP/2 frames, pings, TLS if
/// any) crosses the emulated link. Works for any TCP protocol.
/// </summary>
public sealed class LinkEmulator : IAsyncDisposable
{
    private const int ChunkSize = 16 * 1024;
    private readonly Socket _listener;
    private readonly DnsEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<Task> _connections = [];
    private long _bytesToTarget;
    private long _bytesFromTarget;

    private LinkEmulator(Socket listener, DnsEndPoint target, LinkEmulatorOptions options)
    {
        _listener = listener;
        _target = target;
        Options = options;
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}");
        _accepting = AcceptAsync();
    }

    /// <summary>The emulated link.</summary>
    public LinkEmulatorOptions Options { get; }

    /// <summary>Where clients connect (http://127.0.0.1:port; the scheme only says "plain TCP", the relay forwards any bytes).</summary>
    public Uri Address { get; }

    /// <summary>Bytes relayed towards the target (edge to cloud).</summary>
    public long BytesToTarget => Interlocked.Read(ref _bytesToTarget);

    /// <summary>Bytes relayed back from the target (cloud to edge).</summary>
    public long BytesFromTarget => Interlocked.Read(ref _bytesFromTarget);

    /// <summary>Starts relaying connections on an ephemeral 127.0.0.1 port to <paramref name="target"/> (its host and port).</summary>
    public static LinkEmulator Start(Uri target, LinkEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!target.IsAbsoluteUri || target.Port < 1)
        {
            throw new ArgumentException($"target '{target}' must be an absolute URI with a host and port.", nameof(target));
        }

        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(64);
        return new LinkEmulator(listener, new DnsEndPoint(target.Host, target.Port), options);
    }

    /// <summary>Stops accepting, closes every relayed connection and waits for the relay tasks to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        Task[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }

        await Task.WhenAll(open).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            client.NoDelay = true;
            var task = RelayAsync(client);
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(task);
            }
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await server.ConnectAsync(_target, connection.Token).ConfigureAwait(false);
            await Task.WhenAll(
                PumpAsync(client, server, toTarget: true, connection),
                PumpAsync(server, client, toTarget: false, connection)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The target refused or a side closed abruptly: the client sees its connection reset, as on a real link.
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Moves bytes from <paramref name="source"/> to <paramref name="destination"/> through the emulated link.</summary>
    private async Task PumpAsync(Socket source, Socket destination, bool toTarget, CancellationTokenSource connection)
    {
        var queue = Channel.CreateUnbounded<(byte[] Data, int Length, long Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        long oneWay = (long)(Options.RoundTripTime.TotalSeconds / 2 * Stopwatch.Frequency);
        var writer = DeliverAsync(queue.Reader, destination, connection);
        try
        {
            long linkFree = 0;
            while (true)
            {
                var buffer = new byte[ChunkSize];
                int n = await source.ReceiveAsync(buffer, SocketFlags.None, connection.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                Interlocked.Add(ref toTarget ? ref _bytesToTarget : ref _bytesFromTarget, n);
                long now = Stopwatch.GetTimestamp();
                long start = Math.Max(now, linkFree);
                long busy = Options.BandwidthBytesPerSecond is long capacity ? (long)((double)n / capacity * Stopwatch.Frequency) : 0;
                linkFree = start + busy;
                queue.Writer.TryWrite((buffer, n, linkFree + oneWay));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            await connection.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        await writer.ConfigureAwait(false);
    }

    private static async Task DeliverAsync(ChannelReader<(byte[] Data, int Length, long Due)> queue, Socket destination, CancellationTokenSource connection)
    {
        try
        {
            await foreach (var (data, length, due) in queue.ReadAllAsync(connection.Token).ConfigureAwait(false))
            {
                // Timers round to whole milliseconds: wait in whole, rounded-up milliseconds until the due time has passed.
                for (var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due); wait > TimeSpan.Zero; wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), connection.Token).ConfigureAwait(false);
                }

                for (int sent = 0; sent < length;)
                {
                    sent += await destination.SendAsync(data.AsMemory(sent, length - sent), SocketFlags.None, connection.Token).ConfigureAwait(false);
                }
            }

            destination.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            await connection.CancelAsync().ConfigureAwait(false);
        }
    }
}
