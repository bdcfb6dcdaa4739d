using RescueAdSync.AdReader.Ldap;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// What the reader knows about one mapping after its last successful cycle. Stored outside the process (config service) so that
/// a restart publishes only what changed meanwhile.
/// </summary>
/// <param name="MappingId">The mapping.</param>
/// <param name="SourceGroupDn">The group the members were read from; another group needs a full read.</param>
/// <param name="NestedGroups">Whether nested members were included; a change needs a full read.</param>
/// <param name="Mark">The directory's high-water mark read before the last successful cycle: the next incremental read starts after it.</param>
/// <param name="Users">Known users by id, including those published as OutOfScope or Deleted (stored by the config service as rows).</param>
/// <param name="LastFullReadAt">When the membership was last read in full (reconciliation).</param>
/// <param name="UpdatedAt">When the cycle finished.</param>
/// <param name="AttributeRules">The mapping's name|email attribute choice the users were read with; a change needs a full read.</param>
/// <param name="DirSyncCookie">Active Directory's DirSync cookie (base64) of the same cycle; null when DirSync is not used.</param>
public sealed record MappingState(
    Guid MappingId,
    string SourceGroupDn,
    bool NestedGroups,
    HighWaterMark Mark,
    IReadOnlyDictionary<string, KnownUser> Users,
    DateTimeOffset LastFullReadAt,
    DateTimeOffset UpdatedAt,
    string? AttributeRules = null,
    string? DirSyncCookie = null);
