using System.Diagnostics;
using RabbitMQ.Client;
using RescueAdSync.Benchmarks.Stack;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>
/// The plain RabbitMQ.Client 7 confirmed publish of the reader's own message bytes to the same exchange and queue:
/// persistent, publisher confirms tracked by the client, <c>inFlight</c> unconfirmed at most (1 = await every
/// publish, like a loop over <c>await Publish</c>; 128 = the client's documented batch pattern).
/// </summary>
public static class PublishBaseline
{
    /// <returns>Messages per second.</returns>
    public static async Task<double> RunAsync(BrokerAdmin broker, ReadOnlyMemory<byte> body, string? contentType, int messages, int inFlight, CancellationToken ct)
    {
        await using var connection = await BrokerAdmin.Factory(broker.Broker, broker.VirtualHost).CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var pending = new List<ValueTask>(inFlight);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < messages; i++)
        {
            // One properties object per message: the client may still be serializing an earlier one.
            var properties = new BasicProperties { ContentType = contentType, DeliveryMode = DeliveryModes.Persistent, MessageId = Guid.NewGuid().ToString() };
            pending.Add(channel.BasicPublishAsync(BrokerAdmin.UserChangedExchange, "", mandatory: false, properties, body, ct));
            if (pending.Count >= inFlight)
            {
                foreach (var publish in pending)
                {
                    await publish;
                }

                pending.Clear();
            }
        }
        foreach (var publish in pending)
        {
            await publish;
        }

        stopwatch.Stop();
        var queued = await broker.CountAsync();
        if (queued < messages)
        {
            throw new InvalidOperationException($"The baseline confirmed {messages} publishes but the queue holds {queued}.");
        }

        return messages / stopwatch.Elapsed.TotalSeconds;
    }
}
