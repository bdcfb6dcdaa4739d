using RescueAdSync.Contracts;

namespace RescueAdSync.Config.Data;

/// <summary>Directory user ↔ Rescue technician, with the last directory version applied (the compare-and-set guard).</summary>
public sealed class TechnicianLinkRow
{
    public required string DirectoryUserId { get; set; }

    public Guid MappingId { get; set; }

    /// <summary>Null while the user has no technician (never Enabled yet, or a createUser in flight); unique when set.</summary>
    public long? TechnicianNodeId { get; set; }

    public long Version { get; set; }

    public UserState State { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When a createUser for this user was started and its technician not linked yet (see TechnicianLink).</summary>
    public DateTimeOffset? CreatePendingSince { get; set; }
}
