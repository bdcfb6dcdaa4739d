using MassTransit;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Partitions;

/// <summary>
/// Delayed redelivery without RabbitMQ's delayed-message plugin (Debian's broker and the stock image lack it). Outside
/// the immediate retries: a change that still fails for a reason that may pass (Rescue or the config service down,
/// rate limits) is sent, keyed by its user, to a wait queue whose messages expire after the next delay of
/// <c>Provisioner__RedeliveryDelaysSeconds</c> and are dead-lettered to the consistent-hash exchange, i.e. back into the
/// user's own partition; the original is then acknowledged. Nothing is lost (the wait queues are quorum queues that
/// dead-letter at least once), and Rescue is not hammered meanwhile. Once every delay is used up, or for a failure that
/// cannot pass (poison), the exception goes on and MassTransit moves the message to <c>user-changed_error</c>.
/// </summary>
public sealed class DelayedRedeliveryFilter(IReadOnlyList<int> delaysSeconds, SyncLogWriter syncLog) : IFilter<ConsumeContext<UserChanged>>
{
    public async Task Send(ConsumeContext<UserChanged> context, IPipe<ConsumeContext<UserChanged>> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (Exception ex) when (ex is not (UnknownMappingException or InvalidUserChangedException or OperationCanceledException)
            && (context.Headers.Get<int>(DelayedRedelivery.CountHeader) ?? 0) < delaysSeconds.Count)
        {
            var count = context.Headers.Get<int>(DelayedRedelivery.CountHeader) ?? 0;
            var delay = delaysSeconds[count];
            var change = context.Message;
            var waitExchange = new Uri($"exchange:{DelayedRedelivery.WaitExchange(delay)}?type=fanout&durable=true");
            var endpoint = await context.GetSendEndpoint(waitExchange);
            await endpoint.Send(change, send =>
            {
                send.SetRoutingKey(change.DirectoryUserId ?? "");
                send.Headers.Set(DelayedRedelivery.CountHeader, count + 1);
            }, context.CancellationToken);
            ProvisionerMetrics.DelayedRedeliveries.Inc();
            await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Warning, "provisioner", "redeliver",
                $"The change ({change.State}) still failed after the immediate retries ({Describe(ex)}); it is tried again in {delay} s " +
                $"(delayed redelivery {count + 1} of {delaysSeconds.Count}).",
                change.MappingId == Guid.Empty ? null : change.MappingId, change.DirectoryUserId, "DELAYED_REDELIVERY", true, change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email));
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("delayedRedelivery");

    private static string Describe(Exception ex) => ex is Rescue.RescueApiException rescue ? rescue.Code : ex.GetType().Name;
}
