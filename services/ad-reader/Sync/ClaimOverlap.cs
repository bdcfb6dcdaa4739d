using System.Runtime.CompilerServices;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Whether two claim sets share a user, remembered per pair of sets. A claim set is never changed once built (a
/// mapping's last known in-scope users, or what its cycle just claimed: <see cref="PriorityClaims"/>), and in an idle
/// cycle every mapping's claims are the cached set of its unchanged stored state, so from the second idle cycle on the
/// answer is a look-up instead of a walk over a higher mapping's users: an idle cycle of a lower mapping costs the
/// same whatever the size of the mappings above it.
/// </summary>
internal static class ClaimOverlap
{
    // Weak on both sets: the answers go with the states they were computed for.
    private static readonly ConditionalWeakTable<IReadOnlySet<string>, ConditionalWeakTable<IReadOnlySet<string>, StrongBox<bool>>> Answers = new();

    public static bool Any(IReadOnlySet<string> higher, IReadOnlySet<string> ours)
    {
        if (higher.Count == 0 || ours.Count == 0)
        {
            return false;
        }
        var answers = Answers.GetOrCreateValue(higher);
        if (answers.TryGetValue(ours, out var known))
        {
            return known.Value;
        }
        // The first time for this pair: walk the smaller set.
        var overlap = higher.Count <= ours.Count ? higher.Any(ours.Contains) : ours.Any(higher.Contains);
        answers.AddOrUpdate(ours, new StrongBox<bool>(overlap));
        return overlap;
    }
}
