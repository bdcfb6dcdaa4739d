using System.Diagnostics;
using MassTransit;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.ServiceDefaults.Tracing;

namespace RescueAdSync.Provisioner.Consumers;

public sealed class UserChangedConsumer(TechnicianProvisioner provisioner, RescueAuthGate authGate, SyncLogWriter syncLog, TimeProvider clock,
    LinkStore links, Operations.ProvisionReporter reporter)
    : IConsumer<UserChanged>
{
    // Longer Retry-After values are left to the retry policy's own growing intervals rather than holding the message here.
    private static readonly TimeSpan MaxRetryAfterWait = TimeSpan.FromSeconds(30);

    /// <summary>The span of one message's handling, a child of MassTransit's consume span (and so of the reader's trace).</summary>
    public const string HandleSpan = "provision UserChanged";

    public async Task Consume(ConsumeContext<UserChanged> context)
    {
        using var span = AdSyncActivitySource.Source.StartActivity(HandleSpan);
        span?.SetTag("adsync.mapping_id", context.Message.MappingId.ToString());
        span?.SetTag("adsync.directory_user_id", context.Message.DirectoryUserId);
        span?.SetTag("adsync.version", context.Message.Version);
        span?.SetTag("adsync.state", context.Message.State.ToString());
        try
        {
            await ApplyAsync(context);
        }
        catch (Exception ex) when (span is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    private async Task ApplyAsync(ConsumeContext<UserChanged> context)
    {
        var change = context.Message;
        var ct = context.CancellationToken;
        while (true)
        {
            // While Rescue refuses the token nothing calls it: the message waits here, unacknowledged, not retried.
            await authGate.WaitUntilOpenAsync(ct);
            try
            {
                var outcome = await provisioner.ApplyAsync(change, ct);
                ProvisionerMetrics.Operations.WithLabels(outcome.Result.ToString().ToLowerInvariant()).Inc();
                if (outcome.Result is ProvisioningResult.Created or ProvisioningResult.Updated or ProvisioningResult.Unchanged)
                {
                    ProvisionerMetrics.SyncLag.Observe(Math.Max(0, (clock.GetUtcNow() - change.ObservedAt).TotalSeconds));
                }

                await reporter.ReportAsync(change, outcome, links, ct);
                return;
            }
            catch (RescueApiException ex) when (ex.Kind == RescueErrorKind.Authentication)
            {
                // Applying is idempotent, so starting over once the gate opens again is safe.
                await authGate.TripAsync(ex, ct);
            }
            catch (RescueApiException ex) when (ex.Kind == RescueErrorKind.Permanent)
            {
                // Retrying cannot fix a rejected value: record it for the operator and let the rest flow.
                ProvisionerMetrics.Operations.WithLabels("failed").Inc();
                await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", ex.Method,
                    $"Rescue rejected the change ({change.State}): {ex.Message}", change.MappingId, change.DirectoryUserId,
                    ex.Code, false, change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email), ct);
                await reporter.FailedAsync(change, $"Rescue rejected the change ({ex.Code}): {ex.Message}", ct);
                return;
            }
            catch (RescueApiException ex)
            {
                ProvisionerMetrics.Operations.WithLabels("failed").Inc();
                await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Warning, "provisioner", ex.Method, ex.Message,
                    change.MappingId, change.DirectoryUserId, ex.Code, true, change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email), ct);
                // Honour the server's Retry-After before the retry policy schedules the next attempt.
                if (ex.RetryAfter is { } wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait < MaxRetryAfterWait ? wait : MaxRetryAfterWait, clock, ct);
                }

                throw;
            }
            catch (Exception ex) when (ex is UnknownMappingException or InvalidUserChangedException)
            {
                // Poison: the retry policy ignores these, so the message goes straight to user-changed_error with the reason.
                ProvisionerMetrics.Operations.WithLabels("failed").Inc();
                await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner",
                    ex is UnknownMappingException ? "resolve-mapping" : "validate",
                    $"{ex.Message} The message was moved to the user-changed_error queue.", NullIfEmpty(change.MappingId), change.DirectoryUserId,
                    ex is UnknownMappingException ? "UNKNOWN_MAPPING" : "INVALID_MESSAGE", false, change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email), ct);
                await reporter.FailedAsync(change, ex.Message, ct);
                throw;
            }
        }
    }

    private static Guid? NullIfEmpty(Guid id) => id == Guid.Empty ? null : id;
}
