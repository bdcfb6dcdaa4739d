namespace RescueAdSync.Contracts.Config;

/// <summary>A stored sync-log entry (GET /api/sync-log), the product's "Active Directory Logger".</summary>
/// <param name="Id">Increasing with the order entries were stored.</param>
/// <param name="Time">When the config service stored it.</param>
/// <param name="Level">Severity.</param>
/// <param name="Source">The service that wrote it.</param>
/// <param name="Operation">What was attempted.</param>
/// <param name="Message">What happened.</param>
/// <param name="MappingId">The mapping concerned, if any.</param>
/// <param name="DirectoryUserId">The directory user concerned (objectGUID / entryUUID), if any.</param>
/// <param name="ErrorCode">A machine-readable error code, if any.</param>
/// <param name="WillRetry">Whether the system retries on its own.</param>
/// <param name="CorrelationId">The correlation id of the message or cycle, if any.</param>
/// <param name="TraceId">The OpenTelemetry trace it was written in, if tracing was on.</param>
/// <param name="DisplayName">The name of the directory user concerned; null when the entry is not about a user, or its writer did not know it.</param>
/// <param name="Email">The email of the directory user concerned; null likewise.</param>
public sealed record SyncLogEntry(
    long Id,
    DateTimeOffset Time,
    SyncLogLevel Level,
    string Source,
    string Operation,
    string Message,
    Guid? MappingId,
    string? DirectoryUserId,
    string? ErrorCode,
    bool WillRetry,
    Guid? CorrelationId,
    string? TraceId = null,
    string? DisplayName = null,
    string? Email = null);
