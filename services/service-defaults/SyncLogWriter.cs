using Microsoft.Extensions.Logging;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Tracing;

namespace RescueAdSync.ServiceDefaults;

/// <summary>
/// Writes to the sync log kept by the config service. Writing the log must never break the sync
/// itself: when the config service is unreachable the entry goes to the local log instead. An entry written inside a
/// trace carries its id, so an operator can go from the log line to the trace.
/// </summary>
public sealed class SyncLogWriter(IConfigApi config, ILogger<SyncLogWriter> logger)
{
    public async Task WriteAsync(NewSyncLogEntry entry, CancellationToken ct = default)
    {
        entry = SyncLogUser.Fit(entry.TraceId is null ? entry with { TraceId = AdSyncActivitySource.CurrentTraceId() } : entry);
        var level = entry.Level switch
        {
            SyncLogLevel.Error => LogLevel.Error,
            SyncLogLevel.Warning => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        logger.SyncLogEntry(level, entry.Operation, entry.DirectoryUserId, entry.MappingId, entry.Message, entry.ErrorCode, entry.WillRetry);
        try
        {
            await config.AddSyncLogAsync(entry, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.SyncLogNotWritten(ex.Message, ex);
        }
    }
}
