using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts;

/// <summary>The directory-side state of a user within a mapping.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UserState>))]
public enum UserState
{
    /// <summary>Enabled in the directory and a member of the mapped group: the technician is Enabled.</summary>
    Enabled = 0,

    /// <summary>Disabled (or expired) in the directory: the technician is Disabled.</summary>
    Disabled = 1,

    /// <summary>No longer a member of the mapped group, or moved out of its scope: the technician is Disabled.</summary>
    OutOfScope = 2,

    /// <summary>Deleted in the directory: the technician is Disabled, never deleted.</summary>
    Deleted = 3,
}
