namespace RescueAdSync.Contracts.Config;

/// <summary>
/// The authoritative link between a directory user and the Rescue technician the sync created or linked
/// (GET/PUT /api/links/{directoryUserId}). A PUT with a lower version than the stored one is refused with
/// 409 Conflict, which makes the link a compare-and-set guard against stale messages.
/// </summary>
/// <param name="DirectoryUserId">objectGUID / entryUUID of the user.</param>
/// <param name="MappingId">The mapping the technician was provisioned for.</param>
/// <param name="TechnicianNodeId">The Rescue node id of the technician.</param>
/// <param name="Version">The directory version last applied to the technician.</param>
/// <param name="State">The directory state last applied.</param>
/// <param name="UpdatedAt">When the link was last written.</param>
public sealed record TechnicianLink(
    string DirectoryUserId,
    Guid MappingId,
    long TechnicianNodeId,
    long Version,
    UserState State,
    DateTimeOffset UpdatedAt);
