namespace RescueAdSync.Contracts.Config;

/// <summary>A stored sync-log entry (GET /api/sync-log), the product's "Active Directory Logger". TraceId is the OpenTelemetry trace it was written in, if tracing was on.</summary>
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
    string? TraceId = null);
