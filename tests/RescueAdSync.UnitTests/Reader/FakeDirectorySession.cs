using RescueAdSync.AdReader.Ldap;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>A scripted directory for the synchronizer's decisions; records which reads were made.</summary>
internal sealed class FakeDirectorySession : IDirectorySession
{
    public string ServerUrl => "ldap://fake";

    public HighWaterMark Mark { get; set; } = new(100, "100", "dc-1");

    public long GroupVersion { get; set; } = 50;

    public List<LdapEntry> Members { get; set; } = [];

    public List<LdapEntry> Changed { get; set; } = [];

    public List<string>? Deleted { get; set; } = [];

    public HashSet<string> Existing { get; } = [];

    public Exception? FailMembers { get; set; }

    public List<string> Calls { get; } = [];

    public HighWaterMark ReadHighWaterMark() => Mark;

    /// <summary>What reading the group throws (a group deleted or no longer readable); null: it answers <see cref="GroupVersion"/>.</summary>
    public Exception? FailGroup { get; set; }

    public long ReadGroupVersion(string groupDn)
    {
        Calls.Add("group");
        return FailGroup is null ? GroupVersion : throw FailGroup;
    }

    public IEnumerable<LdapEntry> ReadGroupMembers(string groupDn, bool nested)
    {
        Calls.Add("members");
        return FailMembers is null ? Members : throw FailMembers;
    }

    /// <summary>The DNs the group's own member values list beyond what memberOf says (a memberof overlay that missed them).</summary>
    public HashSet<string> Listed { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool IsListedMember(string groupDn, string memberDn)
    {
        Calls.Add("listed");
        return Listed.Contains(memberDn);
    }

    public IEnumerable<LdapEntry> ReadChangedUsers(HighWaterMark since)
    {
        Calls.Add("changed");
        return Changed;
    }

    public IReadOnlyList<string>? ReadDeletedUserIds(HighWaterMark since)
    {
        Calls.Add("deleted");
        return Deleted;
    }

    public bool UserExists(string directoryUserId)
    {
        Calls.Add("exists");
        return Existing.Contains(directoryUserId);
    }

    /// <summary>What DirSync answers; null: refused, as for an account without the right.</summary>
    public DirSyncChanges? DirSync { get; set; }

    /// <summary>The cookie of the last DirSync request, "(none)" for a first round.</summary>
    public List<string> DirSyncCookies { get; } = [];

    public DirSyncChanges? ReadDirSyncChanges(byte[]? cookie)
    {
        Calls.Add("dirsync");
        DirSyncCookies.Add(cookie is null ? "(none)" : System.Text.Encoding.ASCII.GetString(cookie));
        return DirSync;
    }

    public IEnumerable<LdapEntry> ReadUsersByIds(IReadOnlyCollection<string> directoryUserIds)
    {
        Calls.Add("byids");
        return Changed.Where(entry => entry.ObjectGuid is { } guid && directoryUserIds.Contains(new Guid(guid).ToString("D")));
    }

    public void Dispose()
    {
    }
}
