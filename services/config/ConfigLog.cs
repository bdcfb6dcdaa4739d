using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config;

/// <summary>
/// Every log line the config service writes, source-generated: event ids 1000-1999 are this service's, and a caught
/// exception goes in the exception field of the entry rather than its text.
/// </summary>
internal static partial class ConfigLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning,
        Message = "No Secrets:Key configured: secrets are encrypted with a development key from {KeyFile}. Set Secrets__Key outside Development.")]
    public static partial void DevelopmentSecretKey(this ILogger logger, string keyFile);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied {Count} migrations: {Migrations}")]
    public static partial void MigrationsApplied(this ILogger logger, int count, string migrations);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Re-encrypted {Count} secrets with the current key")]
    public static partial void SecretsReencrypted(this ILogger logger, int count);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Migrate-only: the database schema is up to date; exiting.")]
    public static partial void MigrateOnlyDone(this ILogger logger);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Deleted {Count} sync-log entries older than {Cutoff}")]
    public static partial void SyncLogPruned(this ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Deleted {Count} history entries older than {Cutoff}")]
    public static partial void HistoryPruned(this ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Sync-log retention failed")]
    public static partial void RetentionFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Rejected an API key from {Client}{Limited}")]
    public static partial void ApiKeyRejected(this ILogger logger, string client, string limited);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning,
        Message = "Could not count a failed authentication in the database; counting it in this replica only")]
    public static partial void FailedAuthenticationNotCounted(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Warning, Message = "Counting technicians by state failed: {Error}")]
    public static partial void TechnicianCountFailed(this ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning,
        Message = "ConfigChanged for {Resource} was not published ({Error}); the other services see the change at their next poll.")]
    public static partial void ConfigChangedNotPublished(this ILogger logger, string resource, string error, Exception exception);

    [LoggerMessage(EventId = 1050, Level = LogLevel.Information, Message = "Rescue account {AccountId} verified at {Url}")]
    public static partial void RescueAccountVerified(this ILogger logger, string accountId, Uri url);

    [LoggerMessage(EventId = 1060, Level = LogLevel.Warning, Message = "Group-name look-up at {Url} as {BindDn} failed: {Reason}")]
    public static partial void GroupLookupFailed(this ILogger logger, string url, string bindDn, string reason, Exception exception);

    [LoggerMessage(EventId = 1061, Level = LogLevel.Information,
        Message = "Directory preflight of {Directory}: {Status} ({Warnings} warning(s), {Failures} failure(s))")]
    public static partial void DirectoryPreflighted(this ILogger logger, string directory, DirectoryCheckStatus status, int warnings, int failures);
}
