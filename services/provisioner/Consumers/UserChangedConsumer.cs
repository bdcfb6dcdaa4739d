using MassTransit;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Consumers;

public sealed class UserChangedConsumer(TechnicianProvisioner provisioner, SyncLogWriter syncLog, TimeProvider clock)
    : IConsumer<UserChanged>
{
    public async Task Consume(ConsumeContext<UserChanged> context)
    {
        var change = context.Message;
        try
        {
            var result = await provisioner.ApplyAsync(change, context.CancellationToken);
            ProvisionerMetrics.Operations.WithLabels(result.ToString().ToLowerInvariant()).Inc();
            if (result is ProvisioningResult.Created or ProvisioningResult.Updated or ProvisioningResult.Unchanged)
                ProvisionerMetrics.SyncLag.Observe(Math.Max(0, (clock.GetUtcNow() - change.ObservedAt).TotalSeconds));
        }
        catch (RescueApiException ex) when (ex.Kind == RescueErrorKind.Permanent)
        {
            // Retrying cannot fix a rejected value: record it for the operator and let the rest flow.
            ProvisionerMetrics.Operations.WithLabels("failed").Inc();
            await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", ex.Method,
                $"Rescue rejected the change ({change.State}): {ex.Message}", change.MappingId, change.DirectoryUserId,
                ex.Code, false, change.CorrelationId), context.CancellationToken);
        }
        catch (Exception ex) when (ex is RescueApiException or UnknownMappingException)
        {
            ProvisionerMetrics.Operations.WithLabels("failed").Inc();
            var willRetry = ex is RescueApiException;
            await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner",
                (ex as RescueApiException)?.Method ?? "resolve-mapping", ex.Message, change.MappingId, change.DirectoryUserId,
                (ex as RescueApiException)?.Code ?? "UNKNOWN_MAPPING", willRetry, change.CorrelationId), context.CancellationToken);
            throw;
        }
    }
}
