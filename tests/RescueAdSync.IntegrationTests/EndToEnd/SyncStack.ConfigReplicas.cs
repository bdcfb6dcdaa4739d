using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.EndToEnd;

// Several config-service replicas on one PostgreSQL database behind one address (a TCP round-robin balancer), as in
// production: the reader, the provisioners and the operator's client only know the balancer's address.
public sealed partial class SyncStack
{
    private int _configReplicas = 1;
    private RoundRobinBalancer? _configBalancer;

    /// <summary>The balancer in front of the config replicas; null for a stack with one config service.</summary>
    public RoundRobinBalancer? ConfigBalancer => _configBalancer;

    /// <summary>The config service's address as the other services see it: the balancer's, or the one service's.</summary>
    public string ConfigUrl => _configBalancer?.Url ?? Service("config").Url;

    /// <summary>
    /// After the first config service (which migrated the database), the other replicas, one after the other with the same
    /// environment (same database, secret key and API keys), named "&lt;stack&gt;-config-2", …, and the balancer in front.
    /// </summary>
    private async Task StartConfigReplicasAsync(string name, Dictionary<string, string?> environment)
    {
        if (_configReplicas <= 1)
        {
            return;
        }

        if (environment.GetValueOrDefault("Database__Provider") != "PostgreSql")
        {
            throw new ArgumentException("Config replicas share one database: give the stack a PostgreSQL (Database__Provider, ConnectionStrings__Config).");
        }

        for (var i = 2; i <= _configReplicas; i++)
        {
            await StartAsync($"{name}-config-{i}", "config", "RescueAdSync.Config", environment);
        }

        _configBalancer = RoundRobinBalancer.Start(Replicas("config").Select(r => r.Port).ToList());
    }
}
