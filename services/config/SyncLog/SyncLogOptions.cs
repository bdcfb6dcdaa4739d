using System.ComponentModel.DataAnnotations;

namespace RescueAdSync.Config.SyncLog;

/// <summary>Sync-log retention (section "SyncLog").</summary>
public sealed class SyncLogOptions
{
    public const string Section = "SyncLog";

    /// <summary>Entries older than this are deleted; the log is for operators, not an archive.</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 90;

    /// <summary>Stored messages are cut to this length rather than refused.</summary>
    public const int MaxMessageLength = 4000;
}
