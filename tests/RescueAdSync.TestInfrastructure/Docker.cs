using System.Net.Sockets;
using System.Text;

namespace RescueAdSync.TestInfrastructure;

/// <summary>Whether a Docker engine answers, so Testcontainers can be used instead of local processes.</summary>
internal static class Docker
{
    private const string Socket = "/var/run/docker.sock";
    private static readonly Lazy<bool> Reachable = new(Probe);

    public static bool IsAvailable => Reachable.Value;

    private static bool Probe()
    {
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 })
        {
            return true;
        }

        if (!File.Exists(Socket))
        {
            return false;
        }

        try
        {
            using var socket = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.ReceiveTimeout = 2000;
            socket.SendTimeout = 2000;
            socket.Connect(new UnixDomainSocketEndPoint(Socket));
            socket.Send(Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"));
            var buffer = new byte[256];
            var read = socket.Receive(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).Contains(" 200 ", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
