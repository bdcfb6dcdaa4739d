using System.Collections.Concurrent;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Messages of cycles that failed after publishing had started (the broker or the config service went away before the
/// state was saved). Any of them may have reached the provisioner, yet the stored state still predates them, so a user
/// whose directory entry went back to that older state in the meantime (removed, then added again) would look unchanged
/// to the next cycle and keep the state the lost cycle published. The next cycle of the mapping therefore reads in full
/// and publishes the current state of each such user again, with a version above the one that may have been applied.
/// </summary>
public sealed class UnsettledChanges
{
    private readonly ConcurrentDictionary<Guid, IReadOnlyDictionary<string, UserChanged>> _byMapping = new();

    /// <summary>The mapping's unsettled messages, newest per user; null when there are none.</summary>
    public IReadOnlyDictionary<string, UserChanged>? For(Guid mappingId) => _byMapping.TryGetValue(mappingId, out var messages) ? messages : null;

    /// <summary>A cycle failed after it started publishing <paramref name="messages"/>.</summary>
    public void Failed(Guid mappingId, IEnumerable<UserChanged> messages) =>
        _byMapping.AddOrUpdate(mappingId,
            _ => Newest(new Dictionary<string, UserChanged>(StringComparer.Ordinal), messages),
            (_, existing) => Newest(new Dictionary<string, UserChanged>(existing, StringComparer.Ordinal), messages));

    /// <summary>A cycle of the mapping published and saved its state: nothing is unsettled any more.</summary>
    public void Settled(Guid mappingId) => _byMapping.TryRemove(mappingId, out _);

    /// <summary>
    /// Adds to <paramref name="diff"/> a message with the current state of every unsettled user it does not already
    /// publish. <paramref name="members"/> must come from a full read.
    /// </summary>
    public static MembershipDiffResult Republish(Guid mappingId, MembershipDiffResult diff, IReadOnlyDictionary<string, UserChanged> unsettled,
        IReadOnlyCollection<DirectoryUser> members, IReadOnlySet<string> unreadable, long highWaterMark, Guid correlationId, DateTimeOffset now)
    {
        var changed = diff.Messages.States.ToList();
        var users = new Dictionary<string, KnownUser>(diff.Users, StringComparer.Ordinal);
        var published = changed.Select(user => user.Id).ToHashSet(StringComparer.Ordinal);
        var present = members.ToDictionary(member => member.Id, StringComparer.Ordinal);
        foreach (var (id, lost) in unsettled)
        {
            if (published.Contains(id) || unreadable.Contains(id))
            {
                continue;
            }
            users.TryGetValue(id, out var known);
            // Above anything that cycle may have published for the user.
            var floor = new KnownUser(id, lost.DistinguishedName, lost.DisplayName, lost.Email, lost.State, Math.Max(known?.Version ?? 0, lost.Version));
            KnownUser current;
            if (present.TryGetValue(id, out var member))
            {
                current = new KnownUser(id, member.Text, member.State, MembershipDiff.NextVersion(member.Version, floor, highWaterMark)) { Login = member.Login };
            }
            else
            {
                // Not a member now: out of scope (or whatever later state the known record already holds for it).
                var state = known is { InScope: false } ? known.State : UserState.OutOfScope;
                var basis = known ?? floor;
                current = basis with { State = state, Version = MembershipDiff.NextVersion(0, floor, highWaterMark) };
            }
            users[id] = current;
            changed.Add(current);
        }
        return new MembershipDiffResult(new UserChangedList(mappingId, changed, now, correlationId), users);
    }

    private static Dictionary<string, UserChanged> Newest(Dictionary<string, UserChanged> into, IEnumerable<UserChanged> messages)
    {
        foreach (var message in messages)
        {
            if (!into.TryGetValue(message.DirectoryUserId, out var existing) || existing.Version <= message.Version)
            {
                into[message.DirectoryUserId] = message;
            }
        }
        return into;
    }
}
