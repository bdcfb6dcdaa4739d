namespace RescueAdSync.Provisioner.Partitions;

/// <summary>
/// The RabbitMQ names of the provisioner's topology. The reader publishes UserChanged to its message-type exchange
/// <see cref="MessageExchange"/> with the directory user id as routing key; that exchange is bound to the consistent-hash
/// exchange <see cref="PartitionExchange"/>, which spreads users over <see cref="PartitionQueue"/> 0…N-1 (quorum queues,
/// single active consumer). One user always lands in the same partition, so its versions stay in order.
/// <see cref="RouterQueue"/> is not bound to anything: it takes messages an operator moves back from
/// <see cref="ErrorQueue"/>, and any still in it from an older installation where every message passed through it; the
/// router forwards each, keyed by its user id, to the hash exchange.
/// </summary>
public static class UserChangedTopology
{
    public const string RouterQueue = "user-changed";

    /// <summary>MassTransit's publish exchange for <see cref="Contracts.UserChanged"/> (fanout, named after the type).</summary>
    public const string MessageExchange = "RescueAdSync.Contracts:UserChanged";

    public const string PartitionExchange = "user-changed-partitions";

    /// <summary>RabbitMQ's plugin rabbitmq_consistent_hash_exchange provides this exchange type.</summary>
    public const string ConsistentHashType = "x-consistent-hash";

    /// <summary>Every partition queue has the same weight on the hash ring.</summary>
    public const string PartitionWeight = "1";

    /// <summary>Poison and exhausted retries of the router and of every partition land here.</summary>
    public const string ErrorQueue = "user-changed_error";

    public static string PartitionQueue(int partition) => $"user-changed-p{partition}";
}
