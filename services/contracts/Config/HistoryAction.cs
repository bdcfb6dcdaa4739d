using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Config;

/// <summary>What the provisioner did for one directory user, as the per-user history records it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HistoryAction>))]
public enum HistoryAction
{
    /// <summary>A new technician was created for the user.</summary>
    Created = 0,

    /// <summary>An existing technician with the user's email was adopted (linked), not duplicated.</summary>
    Linked = 1,

    /// <summary>The technician's name and/or email were updated (see the before values).</summary>
    Updated = 2,

    /// <summary>A disabled technician was enabled again.</summary>
    Enabled = 3,

    /// <summary>The technician was disabled; the reason says why (disabled, deleted, or out of the mapping's scope).</summary>
    Disabled = 4,

    /// <summary>The technician was moved out of the mapping's group by a Rescue admin: only its status followed the directory.</summary>
    StatusOnly = 5,

    /// <summary>Nothing was applied; the reason says why.</summary>
    Skipped = 6,

    /// <summary>The change was older than the version already applied, and dropped.</summary>
    Stale = 7,
}
