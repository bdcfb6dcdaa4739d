using Microsoft.Extensions.Options;
using RescueAdSync.AdReader.Leadership;
using RescueAdSync.AdReader.Ldap;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// While this replica leads, keeps a change-notification search open on the directory (AD 1.2.840.113556.1.4.528,
/// OpenLDAP RFC 4533 refreshAndPersist) and starts the next cycle early when the server reports a change. Never the
/// source of truth: the cycle reads and diffs as always, and the poll interval still runs when no notification comes
/// (a server without the control, a dropped connection). Failures are logged at Debug and retried after a pause.
/// </summary>
public sealed class ChangeNotificationListener(
    ReaderConfigurationSource configurationSource,
    IDirectoryConnector connector,
    LeaderElector elector,
    CycleTrigger trigger,
    IOptions<ReaderOptions> options,
    TimeProvider time,
    ILogger<ChangeNotificationListener> logger) : BackgroundService
{
    /// <summary>A watch is renewed this often, so a silently dead connection is not kept forever.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var leadership = elector.LeadershipToken;
            if (!options.Value.ChangeNotifications || leadership.IsCancellationRequested)
            {
                await WaitAsync(TimeSpan.FromMilliseconds(500), stoppingToken);
                continue;
            }
            try
            {
                var configuration = await configurationSource.RefreshAsync(stoppingToken);
                if (configuration is null)
                {
                    await WaitAsync(Pause, stoppingToken);
                    continue;
                }
                using var session = connector.Connect(configuration.Directory);
                if (session is not LdapDirectorySession ldap)
                {
                    return;
                }
                var mark = session.ReadHighWaterMark();
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leadership);
                var watch = ldap.WatchAsync(mark, trigger.Signal, Lifetime);
                await watch.WaitAsync(stop.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested || elector.LeadershipToken.IsCancellationRequested)
            {
                // Stopping, or no longer leading: the session is disposed, which ends the search.
            }
            catch (Exception ex)
            {
                logger.ChangeNotificationsUnavailable(ex.Message, ex);
                await WaitAsync(Pause, stoppingToken);
            }
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
