namespace RescueAdSync.AdReader.Sync;

/// <summary>What one mapping's cycle does: nothing, read only the users changed since the mark, or read the group in full.</summary>
public enum CycleKind
{
    /// <summary>Nothing was written to the directory since the last cycle and nothing else asks for a look.</summary>
    Idle,

    /// <summary>Only the users changed since the stored high-water mark are read (or DirSync's changes).</summary>
    Incremental,

    /// <summary>The whole membership is read and compared with the last known state.</summary>
    Full,
}

/// <summary>Why a cycle reads the group in full; the first that applies, in this order.</summary>
public enum FullReadReason
{
    None,

    /// <summary>No state was ever stored for this mapping.</summary>
    FirstRead,

    /// <summary>
    /// The stored mark cannot be compared with the directory's: another server (AD USNs are per DC), a mark that went
    /// back (a restore), or a setting that shapes what is read (group, nesting, attribute rules) changed.
    /// </summary>
    NotComparable,

    /// <summary>The operator asked for a full resync of this mapping.</summary>
    ResyncRequested,

    /// <summary>The periodic reconciliation (the directory connection's reconcileMinutes) is due.</summary>
    Reconcile,

    /// <summary>Nested membership: a change deep in a nested group does not show as a changed member.</summary>
    Nested,

    /// <summary>The group entry itself changed since the mark: members were added or removed.</summary>
    GroupChanged,

    /// <summary>A higher-priority mapping handed users over; this one may take them now.</summary>
    PriorityHandover,

    /// <summary>Changes of an earlier cycle may have reached the provisioner without being stored: read again in full.</summary>
    Unsettled,
}

/// <summary>The facts a mapping's cycle is decided on, gathered by <see cref="MappingSynchronizer"/>.</summary>
/// <param name="HasState">A state was stored for this mapping before.</param>
/// <param name="Comparable">The stored mark and settings are comparable with the directory's now (see <see cref="FullReadReason.NotComparable"/>).</param>
/// <param name="ResyncRequested">The operator asked for a full resync.</param>
/// <param name="ReconcileDue">The last full read is older than the reconciliation interval.</param>
/// <param name="Nested">The mapping follows nested groups.</param>
/// <param name="MarkMoved">Something was written to the directory since the stored mark.</param>
/// <param name="GroupChanged">The group entry changed since the stored mark (known only once the group was read).</param>
/// <param name="HandoversPending">A higher-priority mapping handed users over in this cycle.</param>
/// <param name="ClaimedByHigher">A higher-priority mapping newly claims one of this mapping's users.</param>
/// <param name="Unsettled">An earlier cycle failed after publishing some of its changes.</param>
public readonly record struct CycleFacts(
    bool HasState,
    bool Comparable,
    bool ResyncRequested,
    bool ReconcileDue,
    bool Nested,
    bool MarkMoved,
    bool GroupChanged,
    bool HandoversPending,
    bool ClaimedByHigher,
    bool Unsettled);

/// <summary>
/// The decision of one mapping's cycle, a pure function of <see cref="CycleFacts"/>: idle when nothing asks for a look,
/// otherwise a full read for the first <see cref="FullReadReason"/> that applies, else an incremental read. An incremental
/// read that cannot follow the changes (a change log that does not reach back to the mark) still turns into a full read
/// when it runs.
/// </summary>
public sealed record CyclePlan(CycleKind Kind, FullReadReason Reason)
{
    public static readonly CyclePlan Idle = new(CycleKind.Idle, FullReadReason.None);
    public static readonly CyclePlan Incremental = new(CycleKind.Incremental, FullReadReason.None);

    public static CyclePlan Full(FullReadReason reason) => new(CycleKind.Full, reason);

    /// <summary>
    /// Whether the cycle can be idle whatever the group's own version: the same server and settings, nothing written
    /// since the mark, nothing due and nothing pending. The group is then read at most every <see cref="GroupChecks.Interval"/>.
    /// </summary>
    public static bool MayBeIdle(CycleFacts facts) =>
        facts.HasState && facts.Comparable && !facts.ResyncRequested && !facts.ReconcileDue && !facts.MarkMoved
        && !facts.HandoversPending && !facts.ClaimedByHigher && !facts.Unsettled;

    public static CyclePlan Decide(CycleFacts facts)
    {
        if (MayBeIdle(facts))
        {
            return Idle;
        }
        var reason = !facts.HasState ? FullReadReason.FirstRead
            : !facts.Comparable ? FullReadReason.NotComparable
            : facts.ResyncRequested ? FullReadReason.ResyncRequested
            : facts.ReconcileDue ? FullReadReason.Reconcile
            : facts.Nested ? FullReadReason.Nested
            : facts.GroupChanged ? FullReadReason.GroupChanged
            : facts.HandoversPending ? FullReadReason.PriorityHandover
            : facts.Unsettled ? FullReadReason.Unsettled
            : FullReadReason.None;
        return reason == FullReadReason.None ? Incremental : Full(reason);
    }
}
