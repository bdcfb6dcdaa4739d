using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RescueAdSync.Contracts;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// Reads <see cref="UserChanged"/> straight off RabbitMQ through its own queue bound to MassTransit's exchange, so the
/// tests see what really reached the broker, independent of the reader's own bus.
/// </summary>
public sealed class UserChangedCapture : IAsyncDisposable
{
    /// <summary>MassTransit's exchange for a message type: namespace:TypeName, fanout, durable.</summary>
    public const string Exchange = "RescueAdSync.Contracts:UserChanged";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<UserChanged> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private UserChangedCapture(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<UserChangedCapture> StartAsync(RabbitMqBroker broker, string virtualHost = "/")
    {
        var factory = new ConnectionFactory
        {
            HostName = broker.Host,
            Port = broker.AmqpPort,
            VirtualHost = virtualHost,
            UserName = broker.Username,
            Password = broker.Password,
        };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, Exchange, "");
        var capture = new UserChangedCapture(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var document = JsonDocument.Parse(delivery.Body);
            var message = document.RootElement.GetProperty("message").Deserialize<UserChanged>(Json)!;
            capture._received.Enqueue(message);
            capture._arrived.Release();
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return capture;
    }

    public IReadOnlyList<UserChanged> For(Guid mappingId) => _received.Where(m => m.MappingId == mappingId).ToList();

    /// <summary>Waits until <paramref name="count"/> messages of the mapping have arrived; returns all of them, in arrival order.</summary>
    public async Task<IReadOnlyList<UserChanged>> WaitForAsync(Guid mappingId, int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (For(mappingId).Count < count)
        {
            try
            {
                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Expected {count} UserChanged for mapping {mappingId}, got {For(mappingId).Count}: {string.Join(", ", For(mappingId))}");
            }
        }
        return For(mappingId);
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}
