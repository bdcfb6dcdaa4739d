using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Infrastructure;

/// <summary>A three-node RabbitMQ cluster for one test class; each stack on it uses its own virtual host.</summary>
public sealed class RabbitMqClusterFixture : IAsyncLifetime
{
    private RabbitMqCluster? _cluster;

    public RabbitMqCluster Cluster => _cluster ?? throw new InvalidOperationException("The RabbitMQ cluster has not been started.");

    /// <summary>Node 1 as a broker for <c>SyncStack</c> (virtual hosts, management API); the services get every node.</summary>
    public RabbitMqBroker Broker => RabbitMqBroker.Attach("127.0.0.1", Cluster.AmqpPort(1), Cluster.ManagementPort(1), Cluster.Username, Cluster.Password);

    /// <summary>The provisioner's and reader's environment for the cluster: RabbitMq__Nodes lists all three nodes.</summary>
    public IReadOnlyDictionary<string, string?> ServiceEnvironment => new Dictionary<string, string?> { ["RabbitMq__Nodes"] = Cluster.Nodes };

    public async Task InitializeAsync() => _cluster = await RabbitMqCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
