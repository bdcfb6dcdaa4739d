using RescueAdSync.Contracts;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// A cycle's messages, in version order, kept as the compact known records they publish: each
/// <see cref="UserChanged"/> (with its decoded strings) is built only when it is read — by the publisher, one at a
/// time — so a first cycle of 100,000 users does not hold 100,000 messages and their strings at once.
/// </summary>
public sealed class UserChangedList : IReadOnlyList<UserChanged>
{
    private readonly KnownUser[] _states;
    private readonly Guid _mappingId;
    private readonly DateTimeOffset _observedAt;
    private readonly Guid _correlationId;
    private readonly bool _force;

    /// <param name="states">The states to publish; sorted here by version, then id.</param>
    public UserChangedList(Guid mappingId, IEnumerable<KnownUser> states, DateTimeOffset observedAt, Guid correlationId, bool force = false)
    {
        _states = [.. states];
        Array.Sort(_states, static (a, b) => a.Version != b.Version ? a.Version.CompareTo(b.Version) : string.CompareOrdinal(a.Id, b.Id));
        _mappingId = mappingId;
        _observedAt = observedAt;
        _correlationId = correlationId;
        _force = force;
    }

    /// <summary>The published states, in the same order as the messages.</summary>
    public IReadOnlyList<KnownUser> States => _states;

    public int Count => _states.Length;

    public UserChanged this[int index] => _states[index].ToMessage(_mappingId, _observedAt, _correlationId, _force);

    public IEnumerator<UserChanged> GetEnumerator()
    {
        for (var i = 0; i < _states.Length; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
