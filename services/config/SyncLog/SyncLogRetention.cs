using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RescueAdSync.Config.Data;

namespace RescueAdSync.Config.SyncLog;

/// <summary>Deletes sync-log and history entries past the retention, hourly, so neither grows without end.</summary>
public sealed class SyncLogRetention(
    IServiceScopeFactory scopes, IOptions<SyncLogOptions> options, TimeProvider time, ILogger<SyncLogRetention> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ConfigDbContext>();
                var cutoff = time.GetUtcNow().AddDays(-options.Value.RetentionDays);
                var deleted = await db.SyncLog.Where(e => e.Time < cutoff).ExecuteDeleteAsync(stoppingToken);
                if (deleted > 0)
                {
                    logger.SyncLogPruned(deleted, cutoff);
                }

                // The per-user history is kept as long as the sync log: one retention setting for what the operator reads.
                var pruned = await db.History.Where(e => e.Time < cutoff).ExecuteDeleteAsync(stoppingToken);
                if (pruned > 0)
                {
                    logger.HistoryPruned(pruned, cutoff);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A failed clean-up is retried at the next tick; it must not stop the service.
                logger.RetentionFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
