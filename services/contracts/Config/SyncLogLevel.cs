using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Config;

/// <summary>Severity of a sync-log entry.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SyncLogLevel>))]
public enum SyncLogLevel
{
    /// <summary>Something worth knowing that needs no action.</summary>
    Info = 0,

    /// <summary>Something was skipped or will be retried.</summary>
    Warning = 1,

    /// <summary>Something failed and needs attention.</summary>
    Error = 2,
}
