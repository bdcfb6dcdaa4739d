namespace RescueAdSync.Contracts.Config;

/// <summary>A sync-log entry as written by a service (POST /api/sync-log). Must never contain a secret.</summary>
/// <param name="Level">Severity.</param>
/// <param name="Source">The service that wrote it: ad-reader, provisioner or config.</param>
/// <param name="Operation">What was attempted, e.g. createUser, setUser_v2, read-group.</param>
/// <param name="Message">What happened, in words an operator understands.</param>
/// <param name="MappingId">The mapping concerned, if any.</param>
/// <param name="DirectoryUserId">The directory user concerned, if any.</param>
/// <param name="ErrorCode">A machine-readable error code (e.g. a Rescue result code), if any.</param>
/// <param name="WillRetry">Whether the system will retry on its own.</param>
/// <param name="CorrelationId">The correlation id of the message or cycle, if any.</param>
/// <param name="TraceId">The OpenTelemetry trace the entry was written in (32 lowercase hex digits), if tracing is on.</param>
/// <param name="DisplayName">The name of the directory user concerned (as the directory has it), if the entry is about a user.</param>
/// <param name="Email">The email of the directory user concerned, if the entry is about a user.</param>
public sealed record NewSyncLogEntry(
    SyncLogLevel Level,
    string Source,
    string Operation,
    string Message,
    Guid? MappingId = null,
    string? DirectoryUserId = null,
    string? ErrorCode = null,
    bool WillRetry = false,
    Guid? CorrelationId = null,
    string? TraceId = null,
    string? DisplayName = null,
    string? Email = null);
