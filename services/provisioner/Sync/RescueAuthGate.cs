using Microsoft.Extensions.Options;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// One gate for every consumer of this process: when Rescue refuses the service token, all Rescue work waits here
/// instead of retrying (a revoked token would otherwise turn every message into a retry storm and an error-queue
/// entry). Tripping writes one sync-log entry and sets <c>adsync_rescue_auth_failing</c>; one watcher then asks the
/// config service every <see cref="ProvisionerOptions.AuthRecheckSeconds"/> and, on the first check and whenever the
/// credentials changed, proves them with one getAccount call before opening the gate again.
/// Messages are not lost while paused: the few in flight wait unacknowledged (RabbitMQ redelivers them if this process
/// dies or its consumer_timeout closes the channel) and the rest stay in the durable queue.
/// </summary>
public sealed class RescueAuthGate(
    ConfigCache cache,
    IRescueClient rescue,
    SyncLogWriter syncLog,
    IOptions<ProvisionerOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<RescueAuthGate> logger)
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _paused;

    public bool IsPaused
    {
        get
        {
            lock (_lock)
            {
                return _paused is not null;
            }
        }
    }

    public Task WaitUntilOpenAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            return _paused is { } paused ? paused.Task.WaitAsync(ct) : Task.CompletedTask;
        }
    }

    /// <summary>Closes the gate after an authentication failure; only the first of concurrent failures logs and watches.</summary>
    public async Task TripAsync(RescueApiException failure, CancellationToken ct)
    {
        TaskCompletionSource paused;
        lock (_lock)
        {
            if (_paused is not null)
            {
                return;
            }

            _paused = paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        ProvisionerMetrics.RescueAuthFailing.Set(1);
        await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", failure.Method,
            $"Rescue refused the service token ({failure.Code}). All Rescue calls are paused until the token is replaced in the config " +
            "service; pending changes wait in the queue and are applied afterwards.", ErrorCode: failure.Code, WillRetry: true), ct);
        var refused = await cache.GetAsync(ct);
        _ = Task.Run(() => WatchAsync(refused, paused, lifetime.ApplicationStopping), CancellationToken.None);
    }

    private async Task WatchAsync(RescueCredentials refused, TaskCompletionSource paused, CancellationToken stopping)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.AuthRecheckSeconds), time);
            // The first check probes even unchanged credentials: the token may have been replaced between the refused
            // call and this trip, and then no later change would ever be seen.
            RescueCredentials? probed = null;
            while (await timer.WaitForNextTickAsync(stopping))
            {
                var current = await cache.RefreshCredentialsAsync(stopping);
                if (probed is not null && Same(current, probed))
                {
                    continue;
                }

                probed = current;
                if (await ProbeAsync(stopping))
                {
                    break;
                }

                if (!Same(current, refused))
                {
                    logger.ReplacedCredentialsRefused();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }

        lock (_lock)
        {
            _paused = null;
        }

        ProvisionerMetrics.RescueAuthFailing.Set(0);
        paused.TrySetResult();
        await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Info, "provisioner", "getAccount",
            "Rescue accepts the service token again; Rescue calls resumed."), CancellationToken.None);
    }

    private async Task<bool> ProbeAsync(CancellationToken ct)
    {
        try
        {
            await rescue.GetAccountAsync(ct);
            return true;
        }
        catch (RescueApiException ex) when (ex.Kind == RescueErrorKind.Authentication)
        {
            return false;
        }
        catch (RescueApiException ex)
        {
            // Rescue is unreachable or busy: the token may be fine; let the messages find out through their own retries.
            // A RescueApiException never holds the authcode (its message names the method and the code only).
            logger.TokenCheckFailed(ex.Code, ex);
            return true;
        }
    }

    private static bool Same(RescueCredentials a, RescueCredentials b) =>
        a.UpdatedAt == b.UpdatedAt && a.ServiceToken == b.ServiceToken && a.ApiBaseUrl == b.ApiBaseUrl;
}
