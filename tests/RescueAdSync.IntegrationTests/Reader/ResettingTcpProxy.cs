using System.Net;
using System.Net.Sockets;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// A TCP proxy on a free loopback port in front of a real server that resets (RST: linger 0, then close) the connections
/// <paramref name="reset"/> picks by their 1-based number and forwards the others byte for byte. A reset connection is
/// what libldap reports as "The LDAP server is unavailable" (LDAP 81) although the server is up.
/// </summary>
public sealed class ResettingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly Func<int, bool> _reset;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private int _accepted;

    public ResettingTcpProxy(string upstreamHost, int upstreamPort, Func<int, bool> reset)
    {
        (_upstreamHost, _upstreamPort, _reset) = (upstreamHost, upstreamPort, reset);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far, reset or forwarded.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var number = Interlocked.Increment(ref _accepted);
            if (_reset(number))
            {
                client.LingerState = new LingerOption(enable: true, seconds: 0);
                client.Close();
                continue;
            }
            lock (_pumps)
            {
                _pumps.Add(ForwardAsync(client));
            }
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            try
            {
                await upstream.ConnectAsync(_upstreamHost, _upstreamPort, _stop.Token);
                await using var clientStream = new NetworkStream(client, ownsSocket: false);
                await using var upstreamStream = new NetworkStream(upstream, ownsSocket: false);
                // Either side closing ends the pair: the other is closed with it.
                await Task.WhenAny(Pump(clientStream, upstreamStream), Pump(upstreamStream, clientStream));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException)
            {
            }
        }
    }

    private async Task Pump(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }
        await Task.WhenAll(pumps);
        _stop.Dispose();
    }
}
