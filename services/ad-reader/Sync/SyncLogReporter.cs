using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.ServiceDefaults.Tracing;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Writes reader failures to the sync log. A failure that repeats every poll is written once per
/// <see cref="ReaderOptions.SyncLogRepeatMinutes"/>, and again as soon as it changes or recurs after a success.
/// Never throws: the log is a report, and its absence must not stop the sync.
/// </summary>
public sealed class SyncLogReporter(IConfigApi configApi, IOptions<ReaderOptions> options, TimeProvider time, ILogger<SyncLogReporter> logger)
{
    public const string Source = "ad-reader";

    private readonly ConcurrentDictionary<Guid, (string Message, DateTimeOffset At)> _lastWritten = new();

    public async Task ReportAsync(Guid mappingId, string operation, string message, Guid correlationId, IEnumerable<string> secrets, CancellationToken cancellationToken)
    {
        // Belt and braces: no code path should put a secret in a message, but a server's error text is not ours.
        foreach (var secret in secrets.Where(secret => secret.Length >= 3))
        {
            message = message.Replace(secret, "***", StringComparison.Ordinal);
        }
        // Only the masked message is logged, never the exception it came from: the exception's text would bypass the masking.
        logger.MappingFailed(mappingId, operation, message);
        var now = time.GetUtcNow();
        if (_lastWritten.TryGetValue(mappingId, out var last) && last.Message == message
            && now - last.At < TimeSpan.FromMinutes(options.Value.SyncLogRepeatMinutes))
        {
            return;
        }
        try
        {
            await configApi.AddSyncLogAsync(new NewSyncLogEntry(SyncLogLevel.Error, Source, operation, message,
                MappingId: mappingId, WillRetry: true, CorrelationId: correlationId,
                TraceId: AdSyncActivitySource.CurrentTraceId()), cancellationToken);
            _lastWritten[mappingId] = (message, now);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.SyncLogNotWritten(ex.Message, ex);
        }
    }

    private readonly ConcurrentDictionary<(Guid MappingId, string Member), string> _skippedReported = new();

    /// <summary>
    /// A member the reader refused (control characters, over-long name, no id). Written once per member and
    /// reason, not every poll: the entry keeps its last known state until it is fixed in the directory.
    /// </summary>
    /// <param name="displayName">The member's name as far as the entry has one (it may be what made it unusable).</param>
    /// <param name="email">The member's email likewise.</param>
    public async Task ReportSkippedMemberAsync(Guid mappingId, string? directoryUserId, string distinguishedName, string? displayName, string? email,
        string reason, Guid correlationId, CancellationToken cancellationToken)
    {
        var key = (mappingId, directoryUserId ?? distinguishedName);
        if (_skippedReported.TryGetValue(key, out var last) && last == reason)
        {
            return;
        }
        // The DN is the directory's own text: it may hold the very characters that made the entry unusable.
        var printableDn = new string(distinguishedName.Take(256).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        try
        {
            await configApi.AddSyncLogAsync(SyncLogUser.Fit(new NewSyncLogEntry(SyncLogLevel.Warning, Source, "read-member",
                $"Member {printableDn} was skipped: {reason}. It keeps its last known state until the entry is fixed in the directory.",
                MappingId: mappingId, DirectoryUserId: directoryUserId, ErrorCode: "MEMBER_SKIPPED", WillRetry: true,
                CorrelationId: correlationId, TraceId: AdSyncActivitySource.CurrentTraceId(), DisplayName: displayName, Email: email)), cancellationToken);
            _skippedReported[key] = reason;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.SyncLogNotWritten(ex.Message, ex);
        }
    }

    /// <summary>The mapping works again: its next failure is news and is written at once.</summary>
    public void Recovered(Guid mappingId) => _lastWritten.TryRemove(mappingId, out _);
}
