namespace RescueAdSync.Contracts.Previews;

/// <summary>One planned change.</summary>
/// <param name="Action">Create, Link, Update, Enable, Disable or Skip.</param>
/// <param name="MappingId">The mapping the user belongs to.</param>
/// <param name="DirectoryUserId">objectGUID / entryUUID.</param>
/// <param name="DistinguishedName">The user's DN as last read.</param>
/// <param name="DirectoryState">The user's state the directory asks for (Enabled, Disabled, OutOfScope, Deleted).</param>
/// <param name="TechnicianNodeId">The technician concerned; null for a technician still to be created.</param>
/// <param name="Before">The technician's fields now (null when none exists yet).</param>
/// <param name="After">The technician's fields after the change.</param>
/// <param name="Note">Why, when it is not obvious (moved technician: status only; skipped: the reason).</param>
public sealed record PreviewItem(
    PreviewAction Action,
    Guid MappingId,
    string DirectoryUserId,
    string? DistinguishedName,
    UserState DirectoryState,
    long? TechnicianNodeId,
    TechnicianFields? Before,
    TechnicianFields? After,
    string? Note = null);
