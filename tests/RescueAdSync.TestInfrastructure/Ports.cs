using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace RescueAdSync.TestInfrastructure;

/// <summary>Free TCP ports on 127.0.0.1 for the servers and services a test starts.</summary>
public static class Ports
{
    // Below Linux's ephemeral range (32768-60999), so an outgoing connection never takes a port
    // we handed out before its server has bound it, and RabbitMQ's distribution port fits too.
    private const int First = 20000;
    private const int Last = 32700;
    private static readonly ConcurrentDictionary<int, byte> Handed = new();

    /// <summary>A port nobody listens on now and that this process has not handed out before.</summary>
    public static int GetFree()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            if (!Handed.TryAdd(port, 0))
            {
                continue;
            }

            if (IsFree(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"No free TCP port found between {First} and {Last}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            // Both the loopback and the wildcard address: a server bound to 0.0.0.0 blocks 127.0.0.1 too.
            using var loopback = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            loopback.Bind(new IPEndPoint(IPAddress.Loopback, port));
            using var any = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            any.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
