using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Operations;

/// <summary>Where a full resync of a mapping stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResyncStatus>))]
public enum ResyncStatus
{
    /// <summary>Asked for; the reader does it at its next cycle of the mapping.</summary>
    Pending = 0,

    /// <summary>The reader republished every known user's full state (forced).</summary>
    Done = 1,
}
