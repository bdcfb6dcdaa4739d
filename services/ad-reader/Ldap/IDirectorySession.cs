namespace RescueAdSync.AdReader.Ldap;

/// <summary>A bound connection to one directory server for one reader cycle. Every method throws rather than return a partial answer.</summary>
public interface IDirectorySession : IDisposable
{
    /// <summary>The URL of the server that accepted the bind (for logs).</summary>
    string ServerUrl { get; }

    /// <summary>The directory's current high-water mark: rootDSE highestCommittedUSN (AD), contextCSN of the suffix (OpenLDAP).</summary>
    HighWaterMark ReadHighWaterMark();

    /// <summary>The group's own version (uSNChanged / entryCSN); throws when the group does not exist.</summary>
    long ReadGroupVersion(string groupDn);

    /// <summary>
    /// All entries that are members of <paramref name="groupDn"/>, read with paged searches; throws when the group does
    /// not exist. In OpenLDAP the group's own member values decide: a member they list without the memberOf that the
    /// search goes by is read on its own and returned too. Pages are fetched while the result is enumerated (once), so a large group is never held whole; a page
    /// that cannot be read throws during the enumeration.
    /// </summary>
    IEnumerable<LdapEntry> ReadGroupMembers(string groupDn, bool nested);

    /// <summary>
    /// Whether the group's own member values list <paramref name="memberDn"/> (false also when the group is gone). The
    /// member's memberOf is only a copy of this, which OpenLDAP's memberof overlay writes in an operation of its own
    /// and can therefore miss (a slapd stopped between the two writes).
    /// </summary>
    bool IsListedMember(string groupDn, string memberDn);

    /// <summary>
    /// Every user anywhere in the naming context changed after <paramref name="since"/> (exclusive), with its memberOf,
    /// so that the caller can tell whether it is (still) in a mapping's scope. Cost is proportional to the changes.
    /// Streamed page by page like <see cref="ReadGroupMembers"/>.
    /// </summary>
    IEnumerable<LdapEntry> ReadChangedUsers(HighWaterMark since);

    /// <summary>
    /// Ids of entries deleted after <paramref name="since"/> (AD tombstones, OpenLDAP accesslog); null when the directory
    /// cannot tell (no readable accesslog), so that the caller reads in full instead.
    /// </summary>
    IReadOnlyList<string>? ReadDeletedUserIds(HighWaterMark since);

    /// <summary>Whether a user with this objectGUID / entryUUID still exists anywhere (tombstones count as gone).</summary>
    bool UserExists(string directoryUserId);

    /// <summary>
    /// Active Directory DirSync from <paramref name="cookie"/> (none: everything, once): the users changed or deleted since,
    /// and the new cookie. Null when the directory or the bind account does not offer it (the caller polls uSNChanged).
    /// </summary>
    DirSyncChanges? ReadDirSyncChanges(byte[]? cookie) => null;

    /// <summary>Users by objectGUID, with memberOf, wherever they are in the domain; ids no longer there are left out.</summary>
    IEnumerable<LdapEntry> ReadUsersByIds(IReadOnlyCollection<string> directoryUserIds) => [];

    /// <summary>
    /// The user entries an operator's name designates under the base DN: a DN, a directory id (objectGUID /
    /// entryUUID), or a sAMAccountName / uid, mail or userPrincipalName. Values are escaped (RFC 4515).
    /// </summary>
    IReadOnlyList<LdapEntry> FindUsers(string name) => [];
}
