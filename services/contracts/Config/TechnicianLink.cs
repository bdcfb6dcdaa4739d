namespace RescueAdSync.Contracts.Config;

/// <summary>
/// The authoritative link between a directory user and the Rescue technician the sync created or linked
/// (GET/PUT /api/links/{directoryUserId}). A PUT with a lower version than the stored one is refused with
/// 409 Conflict, which makes the link a compare-and-set guard against stale messages. A link's technician, once set,
/// never changes, and no two links name the same technician (409 as well): the config service is the lock that
/// decides which user a technician belongs to.
/// </summary>
/// <param name="DirectoryUserId">objectGUID / entryUUID of the user.</param>
/// <param name="MappingId">The mapping the technician was provisioned for.</param>
/// <param name="TechnicianNodeId">
/// The Rescue node id of the technician; null while the user has none: its newest version was never Enabled (no
/// licence is spent on it), or a createUser for it is in flight (see <paramref name="CreatePendingSince"/>).
/// </param>
/// <param name="Version">The directory version last applied to the technician (0: none yet).</param>
/// <param name="State">The directory state last applied.</param>
/// <param name="UpdatedAt">When the link was last written.</param>
/// <param name="CreatePendingSince">
/// Set just before the provisioner calls createUser for this user, cleared when the new technician is linked. While
/// set, an empty technician (no name, no email) in the mapping's Technician Group may be the one that createUser made
/// before a crash or a lost answer: the provisioner claims such a technician instead of creating a second one.
/// </param>
/// <param name="History">
/// Written with the link, in the same request: the history entry of the change this write applies. Only sent, never
/// stored in the link (GET answers null); a write refused with 409 stores no entry.
/// </param>
public sealed record TechnicianLink(
    string DirectoryUserId,
    Guid MappingId,
    long? TechnicianNodeId,
    long Version,
    UserState State,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CreatePendingSince = null,
    NewHistoryEntry? History = null);
