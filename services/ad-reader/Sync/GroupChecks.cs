using System.Collections.Concurrent;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// When each mapping's source group was last read successfully, and at which high-water mark. Reading the group costs
/// the server the whole group entry (slapd decodes every <c>member</c> value to answer a base search for one attribute:
/// ~0.35 ms more at 100,000 members than at 1,000), so an idle cycle — nothing at all written to the directory since
/// the group was read — does not read it again: a group deleted, renamed or emptied is a write, which moves the mark,
/// and the next cycle then reads the group and reports it. What is not a write (the bind account losing the right to
/// read the group, another bind account) is still seen within <see cref="Interval"/>: an idle cycle reads the group
/// again once that much time has passed since the last read.
/// </summary>
public sealed class GroupChecks
{
    /// <summary>How long an idle mapping goes without reading its group.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Guid, Check> _checks = new();

    /// <summary>Whether the group was read at exactly this mark, on this server with this account, and recently.</summary>
    public bool IsFresh(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, HighWaterMark mark, DateTimeOffset now) =>
        _checks.TryGetValue(mapping.Id, out var check)
        && check == Key(session, directory, mapping, mark) with { At = check.At }
        && now - check.At >= TimeSpan.Zero && now - check.At < Interval;

    /// <summary>The group was just read successfully at <paramref name="mark"/>.</summary>
    public void Read(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, HighWaterMark mark, DateTimeOffset now) =>
        _checks[mapping.Id] = Key(session, directory, mapping, mark) with { At = now };

    /// <summary>The group could not be read, or the cycle failed after reading it: read it again next cycle.</summary>
    public void Forget(Guid mappingId) => _checks.TryRemove(mappingId, out _);

    private static Check Key(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, HighWaterMark mark) =>
        new(session.ServerUrl, ServiceDefaults.Ldap.LdapConnectionFactory.BindIdentity(directory), mapping.SourceGroupDn, mark.ServerIdentity, mark.Version, default);

    private sealed record Check(string Server, string BindDn, string GroupDn, string MarkServer, long MarkVersion, DateTimeOffset At);
}
