namespace RescueAdSync.Provisioner.Sync;

/// <summary>What the config service did with a link PUT (its 409s carry a "reason").</summary>
public enum LinkWrite
{
    Stored,

    /// <summary>A newer version of the user was applied meanwhile: this change is stale.</summary>
    Stale,

    /// <summary>The user's link already names another technician (a link's technician never changes).</summary>
    TechnicianBound,

    /// <summary>Another user's link holds this technician.</summary>
    LinkedElsewhere,
}
