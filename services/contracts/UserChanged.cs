namespace RescueAdSync.Contracts;

/// <summary>
/// The full desired state of one directory user within one mapping, published by the ad-reader
/// whenever that state may have changed. It is a state, not a delta: applying it twice, or
/// applying only the newest of several, gives the same result.
/// </summary>
/// <param name="MappingId">The mapping (source group → Rescue Technician Group) this state belongs to.</param>
/// <param name="DirectoryUserId">The directory's immutable id: objectGUID (Active Directory) or entryUUID (OpenLDAP), lower-case, hyphenated.</param>
/// <param name="Version">The directory's own version of this state, monotonic per directory (uSNChanged in AD, derived from entryCSN in OpenLDAP). Stale versions are dropped.</param>
/// <param name="DisplayName">The technician name computed from the mapping's attribute rules.</param>
/// <param name="Email">The technician email computed from the mapping's attribute rules.</param>
/// <param name="State">Whether the technician must be enabled, and why not.</param>
/// <param name="DistinguishedName">The user's DN when observed; for logs only, never an identity.</param>
/// <param name="ObservedAt">When the ad-reader observed this state.</param>
/// <param name="CorrelationId">Ties the reader cycle, the message, the Rescue calls and the sync-log entries together.</param>
/// <param name="Force">Set by a full resync an operator asked for: applied even when the same version was applied before (it
/// repairs drift, e.g. a name changed by hand in Rescue); older versions are still dropped. Absent in older messages: false.</param>
/// <param name="ProvisionRequestId">Set for an operator's provision-on-demand request: the provisioner reports its result on it.</param>
/// <param name="Login">The user's login as the directory has it (sAMAccountName in Active Directory, uid in OpenLDAP), for the
/// per-user history only, never an identity. Absent in older messages and when the entry has none: null.</param>
public sealed record UserChanged(
    Guid MappingId,
    string DirectoryUserId,
    long Version,
    string DisplayName,
    string Email,
    UserState State,
    string DistinguishedName,
    DateTimeOffset ObservedAt,
    Guid CorrelationId,
    bool Force = false,
    Guid? ProvisionRequestId = null,
    string? Login = null);
