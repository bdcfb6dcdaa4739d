using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// A TCP round-robin load balancer on 127.0.0.1, in front of several replicas of one HTTP service (what a Kubernetes
/// Service or an HAProxy in TCP mode does): each new client connection goes to the next backend in turn; a backend that
/// refuses the connection (a killed replica) is skipped for the next one, so a dead replica costs no request that opens
/// a new connection. A connection already open to a replica that dies is closed, as it would be in production.
/// </summary>
public sealed class RoundRobinBalancer : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private readonly TcpListener _listener;
    private readonly IReadOnlyList<int> _backendPorts;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly ConcurrentQueue<int> _routed = new();
    private readonly Task _acceptLoop;
    private int _next = -1;
    private int _failovers;
    private int _unrouted;

    private RoundRobinBalancer(TcpListener listener, IReadOnlyList<int> backendPorts)
    {
        _listener = listener;
        _backendPorts = backendPorts;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The backend (index into the ports given) each client connection was sent to, in the order they came.</summary>
    public IReadOnlyList<int> Routed => _routed.ToArray();

    /// <summary>Connection attempts to a backend that failed (refused, timed out), each followed by trying the next backend.</summary>
    public int Failovers => Volatile.Read(ref _failovers);

    /// <summary>Client connections closed at once because no backend accepted them.</summary>
    public int Unrouted => Volatile.Read(ref _unrouted);

    /// <summary>Client connections sent to backend <paramref name="index"/> so far.</summary>
    public int ConnectionsTo(int index) => _routed.Count(b => b == index);

    public static RoundRobinBalancer Start(IReadOnlyList<int> backendPorts)
    {
        if (backendPorts.Count == 0)
        {
            throw new ArgumentException("At least one backend port is needed.", nameof(backendPorts));
        }

        var listener = new TcpListener(IPAddress.Loopback, Ports.GetFree());
        listener.Start();
        return new RoundRobinBalancer(listener, backendPorts.ToArray());
    }

    public override string ToString() =>
        $"balancer {Url} → {string.Join(", ", _backendPorts)}: connections {string.Join("/", _backendPorts.Select((_, i) => ConnectionsTo(i)))}, " +
        $"failovers {Failovers}, unrouted {Unrouted}";

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var connection = Task.Run(() => ServeAsync(client));
            _connections.TryAdd(connection, 0);
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            var first = (int)((uint)Interlocked.Increment(ref _next) % (uint)_backendPorts.Count);
            Socket? backend = null;
            for (var attempt = 0; attempt < _backendPorts.Count && backend is null; attempt++)
            {
                var index = (first + attempt) % _backendPorts.Count;
                var candidate = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(ConnectTimeout);
                    await candidate.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _backendPorts[index]), timeout.Token);
                    backend = candidate;
                    _routed.Enqueue(index);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    candidate.Dispose();
                    if (_stop.IsCancellationRequested)
                    {
                        return;
                    }

                    Interlocked.Increment(ref _failovers);
                }
            }
            if (backend is null)
            {
                Interlocked.Increment(ref _unrouted);
                return;
            }

            using (backend)
            {
                client.NoDelay = true;
                using var both = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = PumpAsync(client, backend, both.Token);
                var down = PumpAsync(backend, client, both.Token);
                // Either side closing (the client done, the replica killed) ends the connection on both sides.
                await Task.WhenAny(up, down);
                await both.CancelAsync();
                await Task.WhenAll(up, down);
            }
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, ct);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_connections.Keys);
        _stop.Dispose();
    }
}
