extern alias emulator;

using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// The project's Rescue emulator on a real loopback port (the config service calls it over HTTP like the real
/// service), with an organization whose service token is <see cref="Samples.ServiceToken"/>.
/// <see cref="Shared"/> serves every test that only needs a valid account; tests that change the token start their own.
/// </summary>
public sealed class RescueEmulatorHost : IDisposable
{
    private static readonly Lazy<RescueEmulatorHost> SharedHost = new(() => Start());

    private readonly WebApplicationFactory<emulator::Program> factory;

    private RescueEmulatorHost(WebApplicationFactory<emulator::Program> factory, int port)
    {
        this.factory = factory;
        Url = $"http://127.0.0.1:{port}";
        Admin = new HttpClient { BaseAddress = new Uri(Url) };
    }

    public static RescueEmulatorHost Shared => SharedHost.Value;

    public string Url { get; }

    /// <summary>What an operator submits as the API base URL.</summary>
    public string ApiBaseUrl => Url + "/API/";

    /// <summary>The emulator's own admin API (organization, groups, token).</summary>
    public HttpClient Admin { get; }

    public static RescueEmulatorHost Start(string token = Samples.ServiceToken)
    {
        var port = FreePort();
        var factory = new WebApplicationFactory<emulator::Program>()
            .WithWebHostBuilder(builder => builder.UseEnvironment("Production"));
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        var host = new RescueEmulatorHost(factory, port);
        var organization = host.Admin.PostAsJsonAsync("/admin/organization", new { name = "Config Tests Inc", email = "mah@example.com", password = Samples.MahPassword })
            .GetAwaiter().GetResult().EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult();
        host.MahNodeId = organization.GetProperty("mahNodeId").GetInt64();
        host.SetTokenAsync(token).GetAwaiter().GetResult();
        return host;
    }

    /// <summary>The Master Account Holder's node: a real node that is not a Technician Group.</summary>
    public long MahNodeId { get; private set; }

    /// <summary>Creates a Technician Group under the organization's Technicians node; returns its node id.</summary>
    public async Task<long> CreateTechnicianGroupAsync(string name) =>
        (await (await Admin.PostAsJsonAsync("/admin/groups", new { name })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("nodeId").GetInt64();

    /// <summary>The MAH generates a new token in the Admin Center: the previous one stops working.</summary>
    public async Task SetTokenAsync(string token) =>
        (await Admin.PostAsJsonAsync("/admin/token", new { token })).EnsureSuccessStatusCode();

    public void Dispose()
    {
        Admin.Dispose();
        factory.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
