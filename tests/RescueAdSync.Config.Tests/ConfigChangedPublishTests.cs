using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Config.Tests;

/// <summary>With RabbitMq:Host set, every write is announced as a ConfigChanged message on a real RabbitMQ, without secrets.</summary>
public sealed class ConfigChangedPublishTests : IAsyncLifetime
{
    private const string Exchange = "RescueAdSync.Contracts.Config:ConfigChanged";
    private readonly ConfigApiFactory _factory = new();
    private readonly ConcurrentQueue<string> _bodies = new();
    private RabbitMqBroker? _broker;
    private IConnection? _connection;

    public async Task InitializeAsync()
    {
        _broker = await RabbitMqBroker.StartAsync();
        _factory.Settings["RabbitMq:Host"] = _broker.Host;
        _factory.Settings["RabbitMq:Port"] = _broker.AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _factory.Settings["RabbitMq:Username"] = _broker.Username;
        _factory.Settings["RabbitMq:Password"] = _broker.Password;
        var connectionFactory = new ConnectionFactory { HostName = _broker.Host, Port = _broker.AmqpPort, UserName = _broker.Username, Password = _broker.Password };
        _connection = await connectionFactory.CreateConnectionAsync();
        var channel = await _connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, Exchange, "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            _bodies.Enqueue(Encoding.UTF8.GetString(delivery.Body.Span));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    private async Task<JsonElement> WaitForAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            foreach (var body in _bodies)
            {
                var message = JsonDocument.Parse(body).RootElement.GetProperty("message");
                if (message.GetProperty("resource").GetString() == resource)
                {
                    return message;
                }
            }
            await Task.Delay(100, timeout.Token);
        }
    }

    [Fact]
    public async Task Directory_and_mapping_writes_are_announced_without_any_secret()
    {
        Assert.Equal(HttpStatusCode.OK, (await _factory.Admin.PutAsJsonAsync("/api/directory", Samples.Directory())).StatusCode);
        var directory = await WaitForAsync("directory");
        Assert.Equal("default", directory.GetProperty("name").GetString());

        var created = await _factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping("CN=Announced,OU=Groups,DC=example,DC=com"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<Contracts.Config.Mapping>())!.Id;
        var mappings = await WaitForAsync("mappings");
        Assert.Equal(id.ToString(), mappings.GetProperty("name").GetString());

        Assert.All(_bodies, body => Assert.All(Samples.Secrets, secret => Assert.DoesNotContain(secret, body, StringComparison.Ordinal)));
    }
}
