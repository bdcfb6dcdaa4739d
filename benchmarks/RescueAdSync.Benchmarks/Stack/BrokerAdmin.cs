using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using RabbitMQ.Client;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Benchmarks.Stack;

/// <summary>
/// The broker side of a stack: its own virtual host, and a sink queue bound to the UserChanged exchange so that the
/// reader's messages are kept (and countable) without a provisioner consuming them.
/// </summary>
public sealed class BrokerAdmin : IAsyncDisposable
{
    /// <summary>MassTransit's exchange for the message type (fanout, durable), as the reader publishes to it.</summary>
    public const string UserChangedExchange = "RescueAdSync.Contracts:UserChanged";

    public const string SinkQueue = "bench-sink";

    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private BrokerAdmin(RabbitMqBroker broker, string vhost, IConnection connection, IChannel channel)
    {
        Broker = broker;
        VirtualHost = vhost;
        _connection = connection;
        _channel = channel;
    }

    public RabbitMqBroker Broker { get; }
    public string VirtualHost { get; }

    public static async Task<BrokerAdmin> CreateAsync(RabbitMqBroker broker, string name, bool withSink)
    {
        var vhost = $"bench-{name}-{Guid.NewGuid():N}";
        using (var http = Management(broker))
        {
            var escaped = Uri.EscapeDataString(vhost);
            (await http.PutAsJsonAsync($"/api/vhosts/{escaped}", new { })).EnsureSuccessStatusCode();
            (await http.PutAsJsonAsync($"/api/permissions/{escaped}/{Uri.EscapeDataString(broker.Username)}",
                new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        }
        var connection = await Factory(broker, vhost).CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        if (withSink)
        {
            await channel.ExchangeDeclareAsync(UserChangedExchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueDeclareAsync(SinkQueue, durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync(SinkQueue, UserChangedExchange, "");
        }
        return new BrokerAdmin(broker, vhost, connection, channel);
    }

    /// <summary>The broker answers AMQP a moment before its management plugin listens; the scenarios need both.</summary>
    public static async Task WaitForManagementAsync(RabbitMqBroker broker, CancellationToken ct)
    {
        using var http = Management(broker);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/api/overview", ct)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException("RabbitMQ's management API did not answer within 120 s.");
            }

            await Task.Delay(250, ct);
        }
    }

    public static ConnectionFactory Factory(RabbitMqBroker broker, string vhost) => new()
    {
        HostName = broker.Host,
        Port = broker.AmqpPort,
        VirtualHost = vhost,
        UserName = broker.Username,
        Password = broker.Password,
    };

    /// <summary>Messages in a queue now (a passive declare: exact, unlike the management API's 5-second statistics).</summary>
    public async Task<uint> CountAsync(string queue = SinkQueue) => (await _channel.QueueDeclarePassiveAsync(queue)).MessageCount;

    public Task PurgeAsync(string queue = SinkQueue) => _channel.QueuePurgeAsync(queue);

    /// <summary>One message as the reader published it (left in the queue), to replay its exact bytes in the baseline.</summary>
    public async Task<(ReadOnlyMemory<byte> Body, string? ContentType)> PeekAsync(string queue = SinkQueue)
    {
        var message = await _channel.BasicGetAsync(queue, autoAck: false) ?? throw new InvalidOperationException($"{queue} is empty.");
        var body = message.Body.ToArray();
        await _channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true);
        return (body, message.BasicProperties.ContentType);
    }

    /// <summary>
    /// Waits until the UserChanged exchange is bound to <paramref name="endpoint"/> (an exchange: the provisioner binds it
    /// to the partitions' hash exchange once every partition is declared).
    /// </summary>
    public async Task WaitForBindingAsync(string endpoint, TimeSpan timeout)
    {
        using var http = Management(Broker);
        var path = $"/api/exchanges/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(UserChangedExchange)}/bindings/source";
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var response = await http.GetAsync(path);
            if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains($"\"destination\":\"{endpoint}\"", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(200);
        }
        throw new TimeoutException($"{UserChangedExchange} was not bound to {endpoint} within {timeout.TotalSeconds:0} s.");
    }

    private static HttpClient Management(RabbitMqBroker broker)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{broker.Host}:{broker.ManagementPort}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{broker.Username}:{broker.Password}")));
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
        using var http = Management(Broker);
        // Frees the broker's memory and disk between scenarios (100k messages stay otherwise).
        await http.DeleteAsync($"/api/vhosts/{Uri.EscapeDataString(VirtualHost)}");
    }
}
