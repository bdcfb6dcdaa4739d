using System.Net;
using System.Net.Sockets;
using System.Text;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.ServiceDefaults;

/// <summary>
/// `&lt;service&gt; --health` is the images' health check (no shell or curl in them): it asks /health/live on the first
/// port of ASPNETCORE_HTTP_PORTS and exits 0 only on a success status.
/// </summary>
public sealed class HealthProbeTests
{
    [Theory]
    [InlineData("200 OK", 0)]
    [InlineData("503 Service Unavailable", 1)]
    public async Task Exit_code_follows_the_status_of_health_live(string status, int expected)
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        var answered = AnswerOnce(server, status);

        var error = new StringWriter();
        var code = await Task.Run(() => HealthProbe.Check($"{port};9999", error));

        Assert.Equal(expected, code);
        Assert.StartsWith("GET /health/live HTTP/1.1", await answered);
        if (expected != 0)
        {
            Assert.Contains($"127.0.0.1:{port}/health/live answered 503", error.ToString());
        }
    }

    [Fact]
    public void Nothing_listening_exits_1_and_says_so()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var error = new StringWriter();
        Assert.Equal(1, HealthProbe.Check(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error));
        Assert.Contains("did not answer", error.ToString());
    }

    [Fact]
    public void A_port_list_that_does_not_start_with_a_number_is_named_in_the_error()
    {
        var error = new StringWriter();
        Assert.Equal(1, HealthProbe.Check("http", error));
        Assert.Contains("ASPNETCORE_HTTP_PORTS does not start with a port number: \"http\"", error.ToString());
    }

    private static async Task<string> AnswerOnce(TcpListener server, string status)
    {
        using var client = await server.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new byte[4096];
        var read = 0;
        while (!Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        var response = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(response);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
