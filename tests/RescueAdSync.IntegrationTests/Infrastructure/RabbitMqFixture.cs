using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Infrastructure;

/// <summary>One RabbitMQ broker for every test in the "rabbitmq" collection; tests use their own virtual hosts or queues.</summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    private RabbitMqBroker? _broker;

    public RabbitMqBroker Broker => _broker ?? throw new InvalidOperationException("RabbitMQ has not been started.");

    public async Task InitializeAsync() => _broker = await RabbitMqBroker.StartAsync();

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}
