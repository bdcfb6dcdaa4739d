using System.Net.Sockets;

namespace RescueAdSync.IntegrationTests.Infrastructure;

internal static class Tcp
{
    /// <summary>Whether something accepts connections on host:port (a refused connect means the server is gone).</summary>
    public static async Task<bool> AcceptsAsync(string host, int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await client.ConnectAsync(host, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
