using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace RescueAdSync.Provisioner.Partitions;

/// <summary>
/// Older installations declared the delayed-redelivery wait queues and the preview queue as classic queues, which live on
/// one node of a cluster: while that node is down they cannot be declared, and the provisioner's endpoints stalled with
/// them. Their replacements are quorum queues under new names (RabbitMQ refuses to change an existing queue's type). Each
/// old queue is retired here: it stops receiving (unbound from <see cref="Legacy.UnbindFrom"/>), whatever waits in it is
/// moved, with publisher confirms and under its own routing key, to <see cref="Legacy.MoveTo"/> (which routes to the
/// replacement), and the queue is deleted once empty. A failure (the old queue's node is down) is logged and tried again
/// at the next start: it never holds the provisioner up, and nothing is acknowledged before it is safely moved.
/// </summary>
public sealed class ClassicQueueRetirement(ILogger<ClassicQueueRetirement> logger)
{
    /// <summary>
    /// An older installation's queue: the exchange it was bound to (deleted too when <paramref name="DeleteExchange"/>, i.e.
    /// when nothing sends to it any more) and the exchange its messages are moved to.
    /// </summary>
    public sealed record Legacy(string Queue, string UnbindFrom, string MoveTo, bool DeleteExchange);

    /// <summary>Retires <paramref name="legacy"/> if it exists; returns how many messages were moved.</summary>
    public async Task<int> RetireAsync(IConnection connection, Legacy legacy, CancellationToken ct)
    {
        try
        {
            if (!await ExistsAsync(connection, legacy.Queue, ct))
            {
                return 0;
            }

            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
            if (legacy.DeleteExchange)
            {
                await channel.ExchangeDeleteAsync(legacy.UnbindFrom, ifUnused: false, cancellationToken: ct);
            }
            else
            {
                await channel.QueueUnbindAsync(legacy.Queue, legacy.UnbindFrom, "", cancellationToken: ct);
            }

            var moved = 0;
            while (await channel.BasicGetAsync(legacy.Queue, autoAck: false, ct) is { } message)
            {
                // Mandatory: a message the target cannot route comes back as an error instead of vanishing.
                await channel.BasicPublishAsync(legacy.MoveTo, message.RoutingKey, mandatory: true,
                    new BasicProperties(message.BasicProperties), message.Body.ToArray(), ct);
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
                moved++;
            }
            await channel.QueueDeleteAsync(legacy.Queue, ifUnused: false, ifEmpty: true, cancellationToken: ct);
            logger.ClassicQueueRetired(legacy.Queue, moved, legacy.MoveTo);
            return moved;
        }
        catch (Exception ex) when (ex is OperationInterruptedException or PublishException or AlreadyClosedException)
        {
            logger.ClassicQueueRetirementFailed(legacy.Queue, ex.Message, ex);
            return 0;
        }
    }

    // A passive declare of a missing queue closes its channel with 404: a channel of its own.
    private static async Task<bool> ExistsAsync(IConnection connection, string queue, CancellationToken ct)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            await channel.QueueDeclarePassiveAsync(queue, ct);
            return true;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404
            && !ex.ShutdownReason.ReplyText.Contains("home node", StringComparison.Ordinal))
        {
            return false;
        }
    }
}
