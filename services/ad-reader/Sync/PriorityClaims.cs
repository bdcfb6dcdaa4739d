using System.Runtime.CompilerServices;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// "A user in two mapped groups is handled by the first mapping by priority" (docs/rules.md), across one reader cycle.
/// The cycle runs the mappings in priority order (lower number first); each registers the users it handles (its
/// claims). A lower mapping leaves a user claimed by a higher one alone: no message, and it forgets the user, so it
/// never disables a technician another mapping owns. A higher mapping that loses a user who is still in a lower
/// mapping's group hands the user over instead of publishing OutOfScope, and the lower mappings read in full in that
/// cycle, so the lower one publishes the user as its own and the provisioner moves the technician.
/// </summary>
/// <remarks>
/// A mapping whose cycle fails keeps its last known users as claims, so a failure never lets a lower mapping take
/// them. If the process dies between the hand-over and the lower mapping's publish, the technician stays, enabled, in
/// the higher mapping's group until the lower mapping's next full read (reconciliation) moves it.
/// </remarks>
public sealed class PriorityClaims(IReadOnlyList<Mapping> mappings)
{
    // A claim set is never changed once stored here (each claim stores a new set): ClaimOverlap relies on it.
    private readonly Dictionary<Guid, IReadOnlySet<string>> _claims = new();
    private readonly Dictionary<Guid, IReadOnlyDictionary<string, KnownUser>> _lastKnown = new();
    private readonly Dictionary<Guid, IReadOnlySet<string>> _members = new();

    /// <summary>
    /// Claims for a cycle, every mapping starting with its last known users, so that a higher mapping knows what a
    /// lower one published before (a user moving between mappings needs a higher version than both). A state that
    /// cannot be loaded leaves that mapping without claims; its own cycle then fails and reports it.
    /// </summary>
    public static async Task<PriorityClaims> LoadAsync(IReadOnlyList<Mapping> mappings, IReaderStateStore store, CancellationToken cancellationToken)
    {
        var claims = new PriorityClaims(mappings);
        if (mappings.Count < 2)
        {
            return claims;
        }
        foreach (var mapping in mappings)
        {
            try
            {
                claims.ClaimLastKnown(mapping, await store.LoadAsync(mapping.Id, cancellationToken));
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Reported by the mapping's own cycle, which loads the same state.
            }
        }
        return claims;
    }

    /// <summary>Users handed over to a lower mapping in this cycle: every mapping after it reads in full.</summary>
    public bool HandoversPending { get; private set; }

    /// <summary>The mapping's last known users stand as its claims until its cycle succeeds.</summary>
    public void ClaimLastKnown(Mapping mapping, MappingState? previous)
    {
        if (Alone)
        {
            return;
        }
        _claims[mapping.Id] = previous is null ? NoUsers : InScope(previous.Users);
        _lastKnown.TryAdd(mapping.Id, previous?.Users ?? new Dictionary<string, KnownUser>());
    }

    /// <summary>What another mapping last published for the user (the highest version), if any.</summary>
    public KnownUser? LastPublishedElsewhere(Mapping mapping, string userId) =>
        _lastKnown.Where(known => known.Key != mapping.Id)
            .Select(known => known.Value.TryGetValue(userId, out var user) ? user : null)
            .OfType<KnownUser>()
            .MaxBy(user => user.Version);

    /// <summary>
    /// The mapping's cycle succeeded with <paramref name="users"/> as its new state: its in-scope users are its claims.
    /// The set is built here, in the cycle that changed the state, and kept with the state, so that the idle cycles
    /// after it find it ready (<see cref="InScope"/>).
    /// </summary>
    public void Claim(Mapping mapping, IReadOnlyDictionary<string, KnownUser> users)
    {
        if (!Alone)
        {
            _claims[mapping.Id] = InScope(users);
        }
    }

    public bool IsClaimedByHigher(Mapping mapping, string userId) =>
        mappings.Where(other => other.Priority < mapping.Priority && other.Id != mapping.Id)
            .Any(other => _claims.TryGetValue(other.Id, out var claimed) && claimed.Contains(userId));

    /// <summary>Whether a user known as in scope is claimed by a higher mapping now (then this mapping must look again).</summary>
    public bool AnyClaimedByHigher(Mapping mapping, MappingState? previous)
    {
        if (previous is null)
        {
            return false;
        }
        IReadOnlySet<string>? ours = null;
        foreach (var other in mappings)
        {
            // Claim sets are never changed once built, so the answer for a pair of sets is remembered (ClaimOverlap):
            // idle cycles do not walk the higher mappings' users again.
            if (other.Priority < mapping.Priority && other.Id != mapping.Id && _claims.TryGetValue(other.Id, out var claimed)
                && ClaimOverlap.Any(claimed, ours ??= InScope(previous.Users)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>One mapping alone: nobody else to claim a user from, so no claim sets are built at all.</summary>
    private bool Alone => mappings.Count < 2;

    private static readonly IReadOnlySet<string> NoUsers = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The in-scope user ids of a stored state, computed once per state (a state's users never change; a cycle that
    /// sees a change stores a new dictionary, and <see cref="Claim"/> builds its set in that cycle): an idle cycle then
    /// costs the same at 100,000 users as at 1,000.
    /// </summary>
    private static IReadOnlySet<string> InScope(IReadOnlyDictionary<string, KnownUser> users) =>
        InScopeIds.GetValue(users, known => known.Values.Where(user => user.InScope).Select(user => user.Id).ToHashSet(StringComparer.Ordinal));

    private static readonly ConditionalWeakTable<IReadOnlyDictionary<string, KnownUser>, IReadOnlySet<string>> InScopeIds = new();

    /// <summary>
    /// Whether a user who left <paramref name="mapping"/> is a member of a lower mapping's group (read once per cycle
    /// and group). Throws <see cref="DirectoryReadException"/> like any read: then nothing is published for the mapping.
    /// </summary>
    public bool IsInLowerMapping(IDirectorySession session, DirectoryKind kind, Mapping mapping, string userId)
    {
        foreach (var lower in mappings.Where(other => other.Priority > mapping.Priority && other.Id != mapping.Id))
        {
            if (!_members.TryGetValue(lower.Id, out var members))
            {
                members = session.ReadGroupMembers(lower.SourceGroupDn, lower.Nested)
                    .Select(entry => DirectoryUserMapper.ReadId(kind, entry))
                    .OfType<string>()
                    .ToHashSet(StringComparer.Ordinal);
                _members[lower.Id] = members;
            }
            if (members.Contains(userId))
            {
                return true;
            }
        }
        return false;
    }

    public void HandedOver() => HandoversPending = true;
}
