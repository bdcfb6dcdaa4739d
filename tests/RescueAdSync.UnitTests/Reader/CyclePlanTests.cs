using RescueAdSync.AdReader.Sync;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>The reader's choice for one mapping's cycle: idle, incremental, or full with its reason.</summary>
public sealed class CyclePlanTests
{
    /// <summary>A mapping with a stored, comparable state and nothing written since its mark.</summary>
    private static readonly CycleFacts Quiet = new(HasState: true, Comparable: true, ResyncRequested: false, ReconcileDue: false, Nested: false,
        MarkMoved: false, GroupChanged: false, HandoversPending: false, ClaimedByHigher: false, Unsettled: false);

    /// <summary>Each situation by name (so that every row is a test case of its own), with the plan it gets.</summary>
    private static readonly Dictionary<string, (CycleFacts Facts, CycleKind Kind, FullReadReason Reason)> Situations = new()
    {
        ["nothing written, nothing due"] = (Quiet, CycleKind.Idle, FullReadReason.None),
        ["nested, nothing written"] = (Quiet with { Nested = true }, CycleKind.Idle, FullReadReason.None),
        ["a user changed"] = (Quiet with { MarkMoved = true }, CycleKind.Incremental, FullReadReason.None),
        ["a higher mapping claims one of ours"] = (Quiet with { ClaimedByHigher = true }, CycleKind.Incremental, FullReadReason.None),
        ["first cycle"] = (Quiet with { HasState = false, Comparable = false, MarkMoved = true }, CycleKind.Full, FullReadReason.FirstRead),
        ["another DC or a restore"] = (Quiet with { Comparable = false }, CycleKind.Full, FullReadReason.NotComparable),
        ["resync asked"] = (Quiet with { ResyncRequested = true }, CycleKind.Full, FullReadReason.ResyncRequested),
        ["reconciliation due"] = (Quiet with { ReconcileDue = true }, CycleKind.Full, FullReadReason.Reconcile),
        ["nested, something written"] = (Quiet with { Nested = true, MarkMoved = true }, CycleKind.Full, FullReadReason.Nested),
        ["members added or removed"] = (Quiet with { MarkMoved = true, GroupChanged = true }, CycleKind.Full, FullReadReason.GroupChanged),
        ["users handed over"] = (Quiet with { HandoversPending = true }, CycleKind.Full, FullReadReason.PriorityHandover),
        ["an earlier publish unsettled"] = (Quiet with { Unsettled = true }, CycleKind.Full, FullReadReason.Unsettled),
        ["first cycle wins over resync"] = (Quiet with { HasState = false, Comparable = false, ResyncRequested = true }, CycleKind.Full, FullReadReason.FirstRead),
        ["not comparable wins over reconcile"] = (Quiet with { Comparable = false, ReconcileDue = true }, CycleKind.Full, FullReadReason.NotComparable),
        ["resync wins over reconcile"] = (Quiet with { ResyncRequested = true, ReconcileDue = true }, CycleKind.Full, FullReadReason.ResyncRequested),
        ["group change wins over handover"] = (Quiet with { MarkMoved = true, GroupChanged = true, HandoversPending = true }, CycleKind.Full, FullReadReason.GroupChanged),
    };

    public static TheoryData<string> Cases() => [.. Situations.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_cycle_is_idle_incremental_or_full_for_the_first_reason_that_applies(string situation)
    {
        var (facts, kind, reason) = Situations[situation];
        var plan = CyclePlan.Decide(facts);
        Assert.True(plan == new CyclePlan(kind, reason), $"{situation}: expected {kind} {reason}, got {plan.Kind} {plan.Reason}");
    }

    [Fact]
    public void Every_combination_of_facts_is_idle_only_when_nothing_asks_for_a_look_and_full_always_names_its_reason()
    {
        for (var bits = 0; bits < 1 << 10; bits++)
        {
            bool Bit(int i) => (bits & (1 << i)) != 0;
            var facts = new CycleFacts(Bit(0), Bit(1), Bit(2), Bit(3), Bit(4), Bit(5), Bit(6), Bit(7), Bit(8), Bit(9));
            var plan = CyclePlan.Decide(facts);
            var quiet = facts.HasState && facts.Comparable && !facts.ResyncRequested && !facts.ReconcileDue && !facts.MarkMoved
                && !facts.HandoversPending && !facts.ClaimedByHigher && !facts.Unsettled;
            Assert.Equal(quiet, plan.Kind == CycleKind.Idle);
            Assert.Equal(plan.Kind == CycleKind.Full, plan.Reason != FullReadReason.None);
            // Without a comparable stored state there is nothing to read changes against.
            if (!facts.HasState || !facts.Comparable)
            {
                Assert.Equal(CycleKind.Full, plan.Kind);
            }
        }
    }
}
