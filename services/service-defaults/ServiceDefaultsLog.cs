using Microsoft.Extensions.Logging;

namespace RescueAdSync.ServiceDefaults;

/// <summary>
/// The log lines of the code every service shares, source-generated: event ids 4000-4999 (whichever service runs it), and a
/// caught exception goes in the exception field of the entry rather than its text.
/// </summary>
internal static partial class ServiceDefaultsLog
{
    /// <summary>The sync-log entry as the operator reads it in the config service, at the entry's own level.</summary>
    [LoggerMessage(EventId = 4000, Message = "{Operation} {DirectoryUserId} {MappingId}: {Message} ({ErrorCode}, will retry: {WillRetry})")]
    public static partial void SyncLogEntry(this ILogger logger, LogLevel level, string operation, string? directoryUserId, Guid? mappingId,
        string message, string? errorCode, bool willRetry);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Could not write the sync-log entry to the config service: {Error}")]
    public static partial void SyncLogNotWritten(this ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information,
        Message = "Domain controllers of {Domain} according to DNS (asked {NameServers}), in the order they are tried: {Urls}")]
    public static partial void DomainControllersDiscovered(this ILogger logger, string domain, string nameServers, string urls);
}
