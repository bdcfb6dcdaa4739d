using MassTransit;
using RescueAdSync.Contracts;

namespace RescueAdSync.Provisioner.Partitions;

/// <summary>
/// Forwards each UserChanged from <see cref="UserChangedTopology.RouterQueue"/> to the consistent-hash exchange with the
/// directory user id as routing key, so every version of a user lands in the same partition queue. The queue has one
/// active consumer and, inside it, one message per user at a time, and a message is acknowledged only after the broker
/// confirmed the forward: a user's versions reach its partition in the order they were published.
/// </summary>
public sealed class UserChangedRouter(PartitionTopology topology) : IConsumer<UserChanged>
{
    private static readonly Uri PartitionExchange = new(
        $"exchange:{UserChangedTopology.PartitionExchange}?type={UserChangedTopology.ConsistentHashType}&durable=true");

    public async Task Consume(ConsumeContext<UserChanged> context)
    {
        var change = context.Message;
        // A message routed before its partition is on the hash ring would be lost (or land in another partition).
        await topology.Declared.WaitAsync(context.CancellationToken);
        var endpoint = await context.GetSendEndpoint(PartitionExchange);
        await endpoint.Send(change, send =>
        {
            // A message without a user id still goes somewhere: its partition's consumer reports it as poison.
            // Not the delayed-redelivery count: a message an operator moves back from the error queue starts afresh.
            send.SetRoutingKey(change.DirectoryUserId ?? "");
        }, context.CancellationToken);
    }
}
