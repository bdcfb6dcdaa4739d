namespace RescueAdSync.AdReader.Ldap;

/// <summary>A bound connection to one directory server for one reader cycle. Every method throws rather than return a partial answer.</summary>
public interface IDirectorySession : IDisposable
{
    /// <summary>The URL of the server that accepted the bind (for logs).</summary>
    string ServerUrl { get; }

    /// <summary>The directory's current high-water version: rootDSE highestCommittedUSN (AD), contextCSN of the suffix (OpenLDAP).</summary>
    long ReadHighWaterMark();

    /// <summary>All entries that are members of <paramref name="groupDn"/>, read with paged searches; throws when the group does not exist.</summary>
    IReadOnlyList<LdapEntry> ReadGroupMembers(string groupDn, bool nested);

    /// <summary>Whether a user with this objectGUID / entryUUID still exists anywhere (tombstones count as gone).</summary>
    bool UserExists(string directoryUserId);
}
