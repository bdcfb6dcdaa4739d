using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Refit;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Reader;

public sealed class MassChangeGuardTests
{
    private const string Group = "CN=Techs,DC=x";
    private static readonly DirectoryConnectionSettings Directory = new(DirectoryKind.ActiveDirectory, ["ldap://fake"], "admin", "pw", "DC=x");
    private readonly InMemoryReaderStateStore _store = new();
    private readonly FakeDirectorySession _session = new();
    private readonly (MassTransit.IPublishEndpoint Endpoint, PublishRecorder Recorder) _publisher = PublishRecorder.Create();
    private readonly OperationsRecorder _operations = new();
    private readonly MappingSynchronizer _synchronizer;

    public MassChangeGuardTests() =>
        _synchronizer = Synchronizers.Create(_store, operations: _operations);

    private static Mapping MappingWith(int maxDisables = 50, int maxPercent = 20) =>
        new(Guid.Parse("0195f3a0-0000-7000-8000-000000000001"), Group, 1, false, true, DateTimeOffset.UtcNow,
            GuardMaxDisables: maxDisables, GuardMaxDisablePercent: maxPercent);

    private static Dictionary<string, KnownUser> Known(int enabled, int disabled = 0) =>
        Enumerable.Range(0, enabled).Select(i => new KnownUser($"e{i}", $"CN=e{i}", $"E {i}", $"e{i}@x", UserState.Enabled, 10))
            .Concat(Enumerable.Range(0, disabled).Select(i => new KnownUser($"d{i}", $"CN=d{i}", $"D {i}", $"d{i}@x", UserState.Disabled, 10)))
            .ToDictionary(u => u.Id);

    private static UserChanged Change(string id, UserState state) =>
        new(Guid.Empty, id, 20, id, $"{id}@x", state, $"CN={id}", DateTimeOffset.UtcNow, Guid.Empty);

    [Fact]
    public void More_disables_than_the_absolute_limit_are_held_and_the_limit_itself_is_not()
    {
        var known = Known(enabled: 30);
        var three = new[] { Change("e0", UserState.OutOfScope), Change("e1", UserState.Deleted), Change("e2", UserState.Disabled) };

        var held = MassChangeGuard.Evaluate(MappingWith(maxDisables: 2, maxPercent: 100), known, three);
        var passed = MassChangeGuard.Evaluate(MappingWith(maxDisables: 3, maxPercent: 100), known, three);

        Assert.True(held.Holds);
        Assert.Equal(3, held.Disables);
        Assert.Equal(30, held.EnabledMembers);
        Assert.Contains("guardMaxDisables", held.HoldReason);
        Assert.False(passed.Holds);
    }

    [Fact]
    public void The_percentage_rule_holds_from_its_minimum_count_on()
    {
        var known = Known(enabled: 40);
        var ten = Enumerable.Range(0, 10).Select(i => Change($"e{i}", UserState.OutOfScope)).ToList();
        var nine = ten.Take(9).ToList();

        var tenOfForty = MassChangeGuard.Evaluate(MappingWith(), known, ten);
        var nineOfForty = MassChangeGuard.Evaluate(MappingWith(), known, nine);
        var ruleOff = MassChangeGuard.Evaluate(MappingWith(maxPercent: 100), known, ten);

        Assert.True(tenOfForty.Holds); // 25 % > 20 %
        Assert.Contains("guardMaxDisablePercent", tenOfForty.HoldReason);
        Assert.False(nineOfForty.Holds); // 22.5 %, but below the minimum of 10: ordinary turnover in a small group
        Assert.False(ruleOff.Holds);
    }

    [Fact]
    public void Only_enabled_technicians_that_would_stop_being_enabled_count_as_disables()
    {
        var known = Known(enabled: 5, disabled: 5);
        var changes = new List<UserChanged>();
        changes.AddRange(Enumerable.Range(0, 5).Select(i => Change($"d{i}", UserState.Deleted))); // already disabled
        changes.AddRange(Enumerable.Range(0, 5).Select(i => Change($"new{i}", UserState.Disabled))); // first seen disabled
        changes.Add(Change("e0", UserState.Enabled)); // a rename

        var verdict = MassChangeGuard.Evaluate(MappingWith(maxDisables: 0), known, changes);

        Assert.False(verdict.Holds);
        Assert.Equal(0, verdict.Disables);
        Assert.False(MassChangeGuard.Evaluate(MappingWith(maxDisables: 0), null, changes).Holds); // the first cycle disables nobody
    }

    [Fact]
    public async Task A_held_cycle_publishes_nothing_stores_the_plan_and_keeps_the_state_for_the_approved_run()
    {
        var mapping = MappingWith(maxDisables: 2, maxPercent: 100);
        var ids = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        _session.Members = [.. ids.Select((id, i) => User(id, 60 + i, $"u{i}@x"))];
        await CycleAsync(mapping);
        var stateBefore = await _store.LoadAsync(mapping.Id, CancellationToken.None);
        var before = _publisher.Recorder.Published.Count;

        // Three of four leave the group (they still exist: out of scope); the group itself changed, so a full read.
        _session.Members = [User(ids[0], 60, "u0@x")];
        foreach (var id in ids.Skip(1))
        {
            _session.Existing.Add(id.ToString());
        }
        _session.GroupVersion = 150;
        _session.Mark = _session.Mark with { Version = 200, Token = "200" };
        var heldCount = await CycleAsync(mapping);

        Assert.Equal(0, heldCount);
        Assert.Equal(before, _publisher.Recorder.Published.Count);
        Assert.Same(stateBefore, await _store.LoadAsync(mapping.Id, CancellationToken.None));
        var plan = Assert.Single(_operations.Held);
        Assert.Equal(mapping.Id, plan.MappingId);
        Assert.Equal(3, plan.Disables);
        Assert.Equal(4, plan.EnabledMembers);
        Assert.All(plan.Changes, change => Assert.Equal((UserState.OutOfScope, UserState.Enabled), (change.State, change.PreviousState)));

        // While held, the mapping is not even read.
        _session.Calls.Clear();
        var planId = Guid.NewGuid();
        Assert.Equal(0, await CycleAsync(mapping with { OpenPlanId = planId, OpenPlanStatus = HeldPlanStatus.Held }));
        Assert.Empty(_session.Calls);

        // Approved: the same cycle, recomputed from the unadvanced state, goes through once and the plan is marked applied.
        var published = await CycleAsync(mapping with { OpenPlanId = planId, OpenPlanStatus = HeldPlanStatus.Approved });

        Assert.Equal(3, published);
        Assert.All(_publisher.Recorder.Published.Skip(before).Cast<UserChanged>(), m => Assert.Equal(UserState.OutOfScope, m.State));
        Assert.Equal([planId], _operations.Applied);
        Assert.Single(_operations.Held);
    }

    [Fact]
    public async Task A_plan_that_cannot_be_stored_still_publishes_nothing()
    {
        var mapping = MappingWith(maxDisables: 0, maxPercent: 100);
        var alice = Guid.NewGuid();
        _session.Members = [User(alice, 60, "alice@x")];
        await CycleAsync(mapping);
        var before = _publisher.Recorder.Published.Count;
        _operations.Fail = true;

        _session.Members = [];
        _session.GroupVersion = 150;
        _session.Mark = _session.Mark with { Version = 200, Token = "200" };

        Assert.Equal(0, await CycleAsync(mapping));
        Assert.Equal(before, _publisher.Recorder.Published.Count);
    }

    private static LdapEntry User(Guid id, long usn, string mail) =>
        Entries.Of($"CN={mail},DC=x", id.ToByteArray(), ("uSNChanged", usn.ToString()), ("cn", mail), ("mail", mail), ("userAccountControl", "512"));

    private Task<int> CycleAsync(Mapping mapping) =>
        _synchronizer.SyncAsync(_session, Directory, mapping, _session.Mark, _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);
}
