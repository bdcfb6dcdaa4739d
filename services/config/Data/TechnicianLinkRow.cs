using RescueAdSync.Contracts;

namespace RescueAdSync.Config.Data;

/// <summary>Directory user ↔ Rescue technician, with the last directory version applied (the compare-and-set guard).</summary>
public sealed class TechnicianLinkRow
{
    public required string DirectoryUserId { get; set; }

    public Guid MappingId { get; set; }

    public long TechnicianNodeId { get; set; }

    public long Version { get; set; }

    public UserState State { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
