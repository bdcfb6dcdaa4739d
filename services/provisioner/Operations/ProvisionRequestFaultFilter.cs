using MassTransit;
using RescueAdSync.Contracts;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;

namespace RescueAdSync.Provisioner.Operations;

/// <summary>
/// Outermost on the consumer: an exception that gets past the retries and delayed redelivery makes MassTransit move the
/// message to <c>user-changed_error</c>. For a provision-on-demand message that is the request's end too: without this
/// the request would stay Published for ever and the operator's <c>adsync provision</c> would wait until it times out.
/// So the request becomes Failed with the reason. A shutdown (cancellation) is not a failure: the message is returned
/// to its queue and applied later. Poison messages are reported by the consumer itself; the config service keeps the
/// first result, so reporting again here would change nothing.
/// </summary>
public sealed class ProvisionRequestFaultFilter(ProvisionReporter reporter) : IFilter<ConsumeContext<UserChanged>>
{
    public async Task Send(ConsumeContext<UserChanged> context, IPipe<ConsumeContext<UserChanged>> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (Exception ex) when (context.Message.ProvisionRequestId is not null
            && ex is not (UnknownMappingException or InvalidUserChangedException)
            && !(ex is OperationCanceledException && context.CancellationToken.IsCancellationRequested))
        {
            await reporter.FailedAsync(context.Message,
                $"The change could not be applied after all retries and delayed redeliveries ({Describe(ex)}); the message was moved to the "
                + "user-changed_error queue (see the sync log and the troubleshooting guide).", CancellationToken.None);
            throw;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("provisionRequestFault");

    private static string Describe(Exception ex)
    {
        var message = ex is RescueApiException rescue ? $"Rescue answered {rescue.Code}: {rescue.Message}" : $"{ex.GetType().Name}: {ex.Message}";
        return message.Length > 500 ? message[..500] + "…" : message;
    }
}
