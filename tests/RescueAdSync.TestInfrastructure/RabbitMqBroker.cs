using System.Globalization;
using Testcontainers.RabbitMq;

namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// A throwaway RabbitMQ broker with the management plugin, user guest/guest. In order of preference:
/// the broker <c>ADSYNC_TEST_RABBITMQ</c> names (amqp://user:pass@host:port); a Testcontainers container
/// where a Docker engine answers; otherwise a local node started by deploy/local/rabbitmq.sh on free ports.
/// </summary>
public sealed class RabbitMqBroker : IAsyncDisposable
{
    private const int ContainerAmqpPort = 5672;
    private const int ContainerManagementPort = 15672;
    private readonly ScriptServer? _server;
    private readonly RabbitMqContainer? _container;
    private readonly string? _host;
    private readonly int _amqpPort;
    private readonly int _managementPort;

    private RabbitMqBroker(string host, int amqpPort, int managementPort, string username, string password,
        ScriptServer? server = null, RabbitMqContainer? container = null)
    {
        _host = host;
        _amqpPort = amqpPort;
        _managementPort = managementPort;
        Username = username;
        Password = password;
        _server = server;
        _container = container;
    }

    public string Host => _container?.Hostname ?? _host!;
    public int AmqpPort => _container?.GetMappedPublicPort(ContainerAmqpPort) ?? _amqpPort;
    public int ManagementPort => _container?.GetMappedPublicPort(ContainerManagementPort) ?? _managementPort;
    public string Username { get; }
    public string Password { get; }

    public static async Task<RabbitMqBroker> StartAsync(CancellationToken ct = default)
    {
        if (Environment.GetEnvironmentVariable("ADSYNC_TEST_RABBITMQ") is { Length: > 0 } external)
        {
            return FromUri(new Uri(external));
        }

        if (Docker.IsAvailable)
        {
            return await StartContainerAsync(ct);
        }

        int amqp = Ports.GetFree(), management = Ports.GetFree(), epmd = Ports.GetFree(), distribution = Ports.GetFree();
        var server = new ScriptServer("rabbitmq.sh", RunDirectories.Create("rabbitmq"),
            new[] { amqp, management, epmd, distribution }.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        try
        {
            await server.StartAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return new RabbitMqBroker("127.0.0.1", amqp, management, "guest", "guest", server);
    }

    /// <summary>
    /// A broker (or one node of a <see cref="RabbitMqCluster"/>) that something else started and stops: the tests use it
    /// but cannot stop, kill or start it through this object.
    /// </summary>
    public static RabbitMqBroker Attach(string host, int amqpPort, int managementPort, string username, string password) =>
        new(host, amqpPort, managementPort, username, password);

    /// <summary>Stops the broker gracefully; queues and messages stay for <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() => _container is not null ? _container.StopAsync() : Local.StopAsync();

    /// <summary>Starts the stopped (or killed) broker again on the same ports with the same data.</summary>
    public Task StartAgainAsync() => _container is not null ? _container.StartAsync() : Local.StartAsync(CancellationToken.None);

    /// <summary>Kills the broker with SIGKILL, as a crash would (a container is only stopped).</summary>
    public Task KillAsync() => _container is not null ? _container.StopAsync() : Local.RunLockedAsync(["kill", Local.RunDir]);

    /// <summary>Creates a virtual host with all permissions for the broker's user: a broker of its own for one test.</summary>
    public async Task CreateVirtualHostAsync(string vhost)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{Host}:{ManagementPort}") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Username}:{Password}")));
        var escaped = Uri.EscapeDataString(vhost);
        using var json = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        (await http.PutAsync($"/api/vhosts/{escaped}", json)).EnsureSuccessStatusCode();
        using var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", System.Text.Encoding.UTF8, "application/json");
        (await http.PutAsync($"/api/permissions/{escaped}/{Uri.EscapeDataString(Username)}", permissions)).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
            ServerRegistry.Unregister(_container);
        }
    }

    private static RabbitMqBroker FromUri(Uri uri)
    {
        var user = uri.UserInfo.Split(':', 2);
        return new RabbitMqBroker(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 5672 : uri.Port, ContainerManagementPort,
            Uri.UnescapeDataString(user[0] is { Length: > 0 } name ? name : "guest"),
            Uri.UnescapeDataString(user.Length > 1 ? user[1] : "guest"));
    }

    private static async Task<RabbitMqBroker> StartContainerAsync(CancellationToken ct)
    {
        var container = new RabbitMqBuilder("rabbitmq:3.13-management")
            .WithUsername("guest")
            .WithPassword("guest")
            .WithPortBinding(ContainerManagementPort, true)
            .Build();
        ServerRegistry.Register(container, () => container.DisposeAsync().AsTask().GetAwaiter().GetResult());
        await container.StartAsync(ct);
        return new RabbitMqBroker(container.Hostname, 0, 0, "guest", "guest", container: container);
    }

    private ScriptServer Local => _server ?? throw new NotSupportedException(
        "This broker was started outside this object (ADSYNC_TEST_RABBITMQ, or a cluster's node): stop or start it where it was started.");
}
