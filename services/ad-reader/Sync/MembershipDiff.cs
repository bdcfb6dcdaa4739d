using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Compares the members read now with the last known state of a mapping. Pure: the directory look-ups it needs
/// (who of those who left still exists) are done by the caller and passed in.
/// </summary>
public static class MembershipDiff
{
    /// <summary>Ids of users the reader last saw in scope who are no longer members, and not merely unreadable.</summary>
    public static IReadOnlyList<string> Left(IReadOnlyDictionary<string, KnownUser>? previous, IReadOnlyCollection<DirectoryUser> members, IReadOnlySet<string> unreadableMemberIds)
    {
        if (previous is null)
        {
            return [];
        }
        var present = members.Select(member => member.Id).ToHashSet(StringComparer.Ordinal);
        return previous.Values
            .Where(user => user.InScope && !present.Contains(user.Id) && !unreadableMemberIds.Contains(user.Id))
            .Select(user => user.Id)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <param name="mappingId">The mapping.</param>
    /// <param name="previous">The last known users; null on the first cycle, which publishes every member.</param>
    /// <param name="members">Members read now (complete: a partial read must never reach this method).</param>
    /// <param name="unreadableMemberIds">Members whose entry was rejected: they keep their last known state.</param>
    /// <param name="goneIds">Of <see cref="Left"/>, those that no longer exist in the directory (deleted).</param>
    /// <param name="highWaterMark">The directory's high-water mark read before the member search.</param>
    /// <param name="correlationId">The cycle's correlation id.</param>
    /// <param name="now">Observation time.</param>
    public static MembershipDiffResult Compute(
        Guid mappingId,
        IReadOnlyDictionary<string, KnownUser>? previous,
        IReadOnlyCollection<DirectoryUser> members,
        IReadOnlySet<string> unreadableMemberIds,
        IReadOnlySet<string> goneIds,
        long highWaterMark,
        Guid correlationId,
        DateTimeOffset now)
    {
        // The mapping, not the group, is the scope: if an administrator points it at another group, members of the
        // old group who are not in the new one leave the mapping's scope like anyone removed from the group.
        var known = previous ?? new Dictionary<string, KnownUser>();
        var users = new Dictionary<string, KnownUser>(known, StringComparer.Ordinal);
        var changed = new List<KnownUser>();

        foreach (var member in members)
        {
            known.TryGetValue(member.Id, out var last);
            if (last is not null && last.State == member.State && last.Text.SameNameAndEmail(member.Text))
            {
                // The DN is for logs only: a rename or move alone is not a change for Rescue.
                // Keeping the known record when nothing moved lets this cycle's copy of the text be collected.
                users[member.Id] = last.Text.SameDistinguishedName(member.Text) && last.Login == member.Login
                    ? last
                    : last with { Text = member.Text, Login = member.Login };
                continue;
            }
            // The member's text block becomes the known record's: nothing is copied.
            var user = new KnownUser(member.Id, member.Text, member.State, NextVersion(member.Version, last, highWaterMark)) { Login = member.Login };
            users[member.Id] = user;
            changed.Add(user);
        }

        foreach (var id in Left(previous, members, unreadableMemberIds))
        {
            var last = known[id];
            var state = goneIds.Contains(id) ? UserState.Deleted : UserState.OutOfScope;
            var user = last with { State = state, Version = NextVersion(0, last, highWaterMark) };
            users[id] = user;
            changed.Add(user);
        }

        return new MembershipDiffResult(new UserChangedList(mappingId, changed, now, correlationId), users);
    }

    /// <summary>
    /// The version of a new message must exceed everything published before for that user, or consumers drop it as
    /// stale. A user's own version does not move when only the group changes (added back, removed), or when an
    /// account expires with time; then the high-water mark read before the search stands in, which is higher than
    /// any version observed in an earlier cycle.
    /// </summary>
    public static long NextVersion(long observed, KnownUser? last, long highWaterMark)
    {
        if (last is null || observed > last.Version)
        {
            return observed;
        }
        // Only when nothing at all changed in the directory (expiry by time) can the mark equal the last version.
        return Math.Max(highWaterMark, last.Version + 1);
    }
}
