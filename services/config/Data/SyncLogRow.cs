using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Data;

/// <summary>An append-only sync-log entry.</summary>
public sealed class SyncLogRow
{
    public long Id { get; set; }

    public DateTimeOffset Time { get; set; }

    public SyncLogLevel Level { get; set; }

    public required string Source { get; set; }

    public required string Operation { get; set; }

    public required string Message { get; set; }

    public Guid? MappingId { get; set; }

    public string? DirectoryUserId { get; set; }

    /// <summary>The user's name when the entry is about a user, so the log names the person and not only the id.</summary>
    public string? DisplayName { get; set; }

    public string? Email { get; set; }

    public string? ErrorCode { get; set; }

    public bool WillRetry { get; set; }

    public Guid? CorrelationId { get; set; }

    /// <summary>The OpenTelemetry trace the entry was written in (32 lowercase hex digits), if tracing was on.</summary>
    public string? TraceId { get; set; }
}
