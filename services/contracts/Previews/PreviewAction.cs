using System.Text.Json.Serialization;

namespace RescueAdSync.Contracts.Previews;

/// <summary>What the sync would do to one technician.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PreviewAction>))]
public enum PreviewAction
{
    /// <summary>A new technician would be created (default password, must change it at first login).</summary>
    Create = 0,

    /// <summary>An existing technician with the user's email would be linked to the user (rule 5, docs/rules.md), then follow it.</summary>
    Link = 1,

    /// <summary>The linked technician's name and/or email would change (see before → after).</summary>
    Update = 2,

    /// <summary>The linked technician would be enabled.</summary>
    Enable = 3,

    /// <summary>The linked technician would be disabled (its mobile licence freed).</summary>
    Disable = 4,

    /// <summary>Nothing would be done although the directory changed: see the note (e.g. a technician linked to another user).</summary>
    Skip = 5,
}
