using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Infrastructure;

[Collection(RabbitMqCollection.Name)]
public sealed class RabbitMqSmokeTests(RabbitMqFixture fixture, ITestOutputHelper output)
{
    private RabbitMqBroker Broker => fixture.Broker;

    [Fact]
    public async Task Broker_accepts_AMQP_and_management_requests_and_keeps_durable_messages_across_a_restart()
    {
        var queue = $"smoke-{Guid.NewGuid():N}";
        await using (var connection = await ConnectAsync(Broker))
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync("", queue, mandatory: false,
                new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, Encoding.UTF8.GetBytes("hello"));
        }
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Broker.Username}:{Broker.Password}")));
            var overview = await http.GetAsync($"http://{Broker.Host}:{Broker.ManagementPort}/api/overview");
            Assert.True(overview.IsSuccessStatusCode, $"management API answered {overview.StatusCode}");
        }

        await Broker.StopAsync();
        await Assert.ThrowsAnyAsync<BrokerUnreachableException>(() => ConnectAsync(Broker));

        var restart = Stopwatch.StartNew();
        await Broker.StartAgainAsync();
        output.WriteLine($"RabbitMQ on {Broker.Host}:{Broker.AmqpPort} started again in {restart.ElapsedMilliseconds} ms");
        await using (var connection = await ConnectAsync(Broker))
        await using (var channel = await connection.CreateChannelAsync())
        {
            var message = await channel.BasicGetAsync(queue, autoAck: true);
            Assert.NotNull(message);
            Assert.Equal("hello", Encoding.UTF8.GetString(message.Body.Span));
        }
    }

    [Fact]
    public async Task A_killed_broker_starts_again_and_a_disposed_one_is_gone()
    {
        var started = Stopwatch.StartNew();
        var broker = await RabbitMqBroker.StartAsync();
        output.WriteLine($"RabbitMQ on {broker.Host}:{broker.AmqpPort} started in {started.ElapsedMilliseconds} ms");
        try
        {
            await (await ConnectAsync(broker)).DisposeAsync();

            await broker.KillAsync();
            Assert.False(await Tcp.AcceptsAsync(broker.Host, broker.AmqpPort));

            var restart = Stopwatch.StartNew();
            await broker.StartAgainAsync();
            output.WriteLine($"RabbitMQ started again after SIGKILL in {restart.ElapsedMilliseconds} ms");
            await (await ConnectAsync(broker)).DisposeAsync();
        }
        finally
        {
            await broker.DisposeAsync();
        }

        Assert.False(await Tcp.AcceptsAsync(broker.Host, broker.AmqpPort));
        Assert.False(await Tcp.AcceptsAsync(broker.Host, broker.ManagementPort));
    }

    private static Task<IConnection> ConnectAsync(RabbitMqBroker broker) => new ConnectionFactory
    {
        HostName = broker.Host,
        Port = broker.AmqpPort,
        UserName = broker.Username,
        Password = broker.Password,
        AutomaticRecoveryEnabled = false,
    }.CreateConnectionAsync();
}
