namespace RescueAdSync.Contracts.Config;

/// <summary>A stored sync-log entry (GET /api/sync-log), the product's "Active Directory Logger".</summary>
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
    Guid? CorrelationId);
