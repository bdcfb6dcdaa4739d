using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Partitions;

/// <summary>
/// Declares the consistent-hash exchange and every partition queue with its binding, whether or not an instance consumes
/// it yet: a partition missing from the hash ring would move its users to other partitions and back, and a user's
/// versions could then overtake each other. The shapes are MassTransit's own (a queue, a fanout exchange of the same
/// name bound to it; quorum, single active consumer), so the endpoints that consume them later declare the same thing.
/// The number of partitions must be the same on every instance; changing it remaps users (see docs/operations.md).
/// Every durable queue declared here is a quorum queue: in a cluster none of them depends on one node.
/// </summary>
public sealed class PartitionTopology(IOptions<RabbitMqOptions> rabbit, IOptions<ProvisionerOptions> options, ClassicQueueRetirement retirement)
{
    private readonly TaskCompletionSource _declared = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed once every partition is declared and bound: the router forwards nothing before.</summary>
    public Task Declared => _declared.Task;

    public async Task DeclareAsync(CancellationToken ct)
    {
        await using var connection = await rabbit.Value.CreateConnectionAsync("provisioner-topology", ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.ExchangeDeclareAsync(UserChangedTopology.PartitionExchange, UserChangedTopology.ConsistentHashType,
            durable: true, autoDelete: false, cancellationToken: ct);
        for (var partition = 0; partition < options.Value.Partitions; partition++)
        {
            var name = UserChangedTopology.PartitionQueue(partition);
            await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, QueueArguments, cancellationToken: ct);
            await channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
            await channel.QueueBindAsync(name, name, "", cancellationToken: ct);
            await channel.ExchangeBindAsync(name, UserChangedTopology.PartitionExchange, UserChangedTopology.PartitionWeight, cancellationToken: ct);
        }
        // Delayed redelivery: a fanout exchange per delay (the user id stays the routing key) into a quorum queue whose
        // messages expire after that delay and are dead-lettered, at least once, to the consistent-hash exchange, i.e. back
        // into their partition. Quorum: a classic queue lives on one node, and while that node is down it can be neither
        // declared nor sent to. At-least-once dead-lettering keeps a message until its partition queue has confirmed it;
        // RabbitMQ requires reject-publish overflow for it.
        foreach (var seconds in options.Value.RedeliveryDelaysSeconds.Distinct())
        {
            var exchange = Sync.DelayedRedelivery.WaitExchange(seconds);
            var queue = Sync.DelayedRedelivery.WaitQueue(seconds);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-message-ttl"] = seconds * 1000,
                ["x-dead-letter-exchange"] = UserChangedTopology.PartitionExchange,
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            }, cancellationToken: ct);
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
            await channel.QueueBindAsync(queue, exchange, "", cancellationToken: ct);
            // The older installation's classic queue had the exchange's name; what waits in it goes through the exchange.
            await retirement.RetireAsync(connection, new(exchange, exchange, exchange, DeleteExchange: false), ct);
        }
        await DeclarePreviewQueueAsync(channel, ct);
        await retirement.RetireAsync(connection, new(Previews.PreviewReadConsumerDefinition.LegacyQueue,
            Previews.PreviewReadConsumerDefinition.LegacyQueue, Previews.PreviewReadConsumerDefinition.Queue, DeleteExchange: true), ct);
        await RouteFromPublisherAsync(channel, ct);
        _declared.TrySetResult();
    }

    /// <summary>
    /// The preview endpoint's queue and exchange in MassTransit's shape (<see cref="Previews.PreviewReadConsumerDefinition"/>
    /// declares the same when the bus starts), so that what waits in an older installation's queue can be moved into it first.
    /// </summary>
    private static async Task DeclarePreviewQueueAsync(IChannel channel, CancellationToken ct)
    {
        var name = Previews.PreviewReadConsumerDefinition.Queue;
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.QueueBindAsync(name, name, "", cancellationToken: ct);
    }

    /// <summary>
    /// Binds the reader's publish exchange to the hash exchange, now that every partition is on the ring: a message goes
    /// straight to its user's partition, keyed by the routing key the publisher set (<c>MessagingExtensions</c>). Then
    /// removes the binding older installations had from that exchange to the router queue, so a message is not routed
    /// twice; the router queue stays, for what is still in it and for messages moved back from the error queue. Both
    /// exchanges are declared in MassTransit's shape first (the unbind needs them, and a fresh broker has neither yet).
    /// </summary>
    private static async Task RouteFromPublisherAsync(IChannel channel, CancellationToken ct)
    {
        await channel.ExchangeDeclareAsync(UserChangedTopology.MessageExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.ExchangeBindAsync(UserChangedTopology.PartitionExchange, UserChangedTopology.MessageExchange, "", cancellationToken: ct);
        await channel.ExchangeDeclareAsync(UserChangedTopology.RouterQueue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.ExchangeUnbindAsync(UserChangedTopology.RouterQueue, UserChangedTopology.MessageExchange, "", cancellationToken: ct);
    }

    public static readonly Dictionary<string, object?> QueueArguments = new()
    {
        ["x-queue-type"] = "quorum",
        ["x-single-active-consumer"] = true,
    };
}
