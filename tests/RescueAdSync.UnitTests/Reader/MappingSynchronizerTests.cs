using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.UnitTests.Reader;

public sealed class MappingSynchronizerTests
{
    private const string Group = "CN=Techs,DC=x";
    private static readonly DirectoryConnectionSettings Directory = new(DirectoryKind.ActiveDirectory, ["ldap://fake"], "admin", "pw", "DC=x");
    private static readonly Mapping Mapping = new(Guid.NewGuid(), Group, 1, false, true, DateTimeOffset.UtcNow);
    private readonly InMemoryReaderStateStore _store = new();
    private readonly FakeDirectorySession _session = new();
    private readonly (MassTransit.IPublishEndpoint Endpoint, PublishRecorder Recorder) _publisher = PublishRecorder.Create();
    private readonly MappingSynchronizer _synchronizer;

    public MappingSynchronizerTests() =>
        _synchronizer = Synchronizers.Create(_store);

    private static LdapEntry User(Guid id, long usn, string mail, bool withMemberOf = false) =>
        withMemberOf
            ? Entries.Of($"CN={mail},DC=x", id.ToByteArray(), ("uSNChanged", usn.ToString()), ("cn", mail), ("mail", mail), ("userAccountControl", "512"), ("memberOf", Group))
            : Entries.Of($"CN={mail},DC=x", id.ToByteArray(), ("uSNChanged", usn.ToString()), ("cn", mail), ("mail", mail), ("userAccountControl", "512"));

    private Task<int> CycleAsync() =>
        _synchronizer.SyncAsync(_session, Directory, Mapping, _session.Mark, _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);

    private IReadOnlyList<UserChanged> Published => _publisher.Recorder.Published.Cast<UserChanged>().ToList();

    [Fact]
    public async Task The_first_cycle_reads_in_full_and_an_idle_directory_is_not_read_again()
    {
        var alice = Guid.NewGuid();
        _session.Members = [User(alice, 60, "alice@x")];

        await CycleAsync();
        _session.Calls.Clear();
        var second = await CycleAsync();

        Assert.Equal([alice.ToString()], Published.Select(m => m.DirectoryUserId));
        Assert.Equal(0, second);
        // Not even the group: nothing was written since it was read (GroupChecks).
        Assert.Empty(_session.Calls);
    }

    [Fact]
    public async Task An_idle_mapping_reads_its_group_again_after_the_check_interval_and_reports_a_group_it_cannot_read()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var synchronizer = Synchronizers.Create(_store, time: clock);
        Task<int> Cycle() => synchronizer.SyncAsync(_session, Directory, Mapping, _session.Mark, _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);
        _session.Members = [User(Guid.NewGuid(), 60, "alice@x")];
        await Cycle();

        _session.Calls.Clear();
        clock.Advance(GroupChecks.Interval - TimeSpan.FromSeconds(1));
        await Cycle();
        Assert.Empty(_session.Calls);

        // Nothing written, but the account may have lost the right to read the group: it is read again, and the
        // failure reported like any unreadable group.
        clock.Advance(TimeSpan.FromSeconds(2));
        _session.FailGroup = new DirectoryReadException("The group 'CN=Techs,DC=x' was not found.");
        var failure = await Assert.ThrowsAsync<DirectoryReadException>(Cycle);
        Assert.Contains("not found", failure.Message);
        Assert.Equal(["group"], _session.Calls);

        // A failed read is not a check: the next cycle reads the group again at once.
        _session.Calls.Clear();
        _session.FailGroup = null;
        await Cycle();
        Assert.Equal(["group"], _session.Calls);
        _session.Calls.Clear();
        await Cycle();
        Assert.Empty(_session.Calls);
        Assert.Single(Published);
    }

    [Fact]
    public async Task Any_write_to_the_directory_makes_the_next_cycle_read_the_group()
    {
        _session.Members = [User(Guid.NewGuid(), 60, "alice@x")];
        await CycleAsync();
        _session.Calls.Clear();

        // The group deleted: a write, so the mark moved, and the group is read within the same cycle.
        _session.Mark = _session.Mark with { Version = 120, Token = "120" };
        _session.FailGroup = new DirectoryReadException("The group 'CN=Techs,DC=x' was not found.");
        await Assert.ThrowsAsync<DirectoryReadException>(CycleAsync);

        Assert.Equal(["group"], _session.Calls);
        Assert.Single(Published);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    [Fact]
    public async Task A_change_elsewhere_in_the_directory_is_read_incrementally()
    {
        var alice = Guid.NewGuid();
        _session.Members = [User(alice, 60, "alice@x")];
        await CycleAsync();
        _session.Calls.Clear();

        _session.Mark = _session.Mark with { Version = 120, Token = "120" };
        _session.Changed = [User(alice, 110, "alice.new@x", withMemberOf: true)];
        await CycleAsync();

        Assert.DoesNotContain("members", _session.Calls);
        Assert.Contains("changed", _session.Calls);
        Assert.Equal(("alice.new@x", 110L), (Published[^1].Email, Published[^1].Version));
    }

    [Theory]
    [InlineData(true, UserState.Enabled)]
    [InlineData(false, UserState.OutOfScope)]
    public async Task An_openldap_member_changed_without_memberOf_stays_in_scope_exactly_while_the_group_lists_it(bool listed, UserState expected)
    {
        // The memberof overlay writes memberOf after the group, in an operation of its own: a slapd stopped in between
        // leaves a member the group lists with no memberOf. The full read returns it (the session reads what the group
        // lists); its next change, read incrementally, must not be taken for leaving.
        const string group = "cn=techs,ou=g,dc=x";
        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, ["ldap://fake"], "cn=admin,dc=x", "pw", "dc=x");
        var mapping = new Mapping(Guid.NewGuid(), group, 1, false, true, DateTimeOffset.UtcNow);
        const string dn = "uid=gus,ou=people,dc=x";
        var id = Guid.NewGuid().ToString("D");
        LdapEntry Gus(string csn, string mail) => Entries.Of(dn, null, ("entryUUID", id), ("entryCSN", csn), ("cn", "Gus"), ("mail", mail));
        Task<int> Cycle(long mark) => _synchronizer.SyncAsync(_session, directory, mapping, new HighWaterMark(mark, $"{mark}", "openldap"),
            _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);
        _session.GroupVersion = 70_000;
        _session.Members = [Gus("19700101000000.000060Z#000000#000#000000", "gus@x")];
        await Cycle(100_000);
        Assert.Equal(UserState.Enabled, Assert.Single(Published).State);

        _session.Calls.Clear();
        _session.Changed = [Gus("19700101000000.000110Z#000000#000#000000", "gus.new@x")];
        if (listed)
        {
            _session.Listed.Add(dn);
        }
        await Cycle(120_000);

        Assert.DoesNotContain("members", _session.Calls);
        Assert.Contains("listed", _session.Calls);
        Assert.Equal((id, expected), (Published[^1].DirectoryUserId, Published[^1].State));
        Assert.Equal(2, Published.Count);
    }

    [Fact]
    public async Task An_incrementally_seen_tombstone_of_a_member_is_deleted()
    {
        var alice = Guid.NewGuid();
        _session.Members = [User(alice, 60, "alice@x")];
        await CycleAsync();

        _session.Mark = _session.Mark with { Version = 120, Token = "120" };
        _session.Deleted = [alice.ToString(), Guid.NewGuid().ToString()];
        await CycleAsync();

        Assert.Equal((UserState.Deleted, 120L), (Published[^1].State, Published[^1].Version));
        Assert.Equal(2, Published.Count);
    }

    [Theory]
    [InlineData("group-changed")]
    [InlineData("other-dc")]
    [InlineData("restored-dc")]
    [InlineData("deletes-unknown")]
    public async Task The_membership_is_read_in_full_when_incremental_state_cannot_be_trusted(string reason)
    {
        _session.Members = [User(Guid.NewGuid(), 60, "alice@x")];
        await CycleAsync();
        _session.Calls.Clear();

        _session.Mark = reason switch
        {
            "other-dc" => new HighWaterMark(120, "120", "dc-2"),
            "restored-dc" => new HighWaterMark(90, "90", "dc-1"),
            _ => new HighWaterMark(120, "120", "dc-1"),
        };
        if (reason == "group-changed")
        {
            _session.GroupVersion = 115;
        }
        if (reason == "deletes-unknown")
        {
            _session.Deleted = null;
        }
        await CycleAsync();

        Assert.Contains("members", _session.Calls);
    }

    [Fact]
    public async Task A_read_error_publishes_nothing_and_keeps_the_stored_state()
    {
        _session.Members = [User(Guid.NewGuid(), 60, "alice@x")];
        await CycleAsync();
        var stored = await _store.LoadAsync(Mapping.Id, CancellationToken.None);

        _session.Mark = _session.Mark with { Version = 120, Token = "120" };
        _session.GroupVersion = 115;
        _session.FailMembers = new DirectoryReadException("Search failed: Busy");

        await Assert.ThrowsAsync<DirectoryReadException>(CycleAsync);
        Assert.Single(Published);
        Assert.Same(stored, await _store.LoadAsync(Mapping.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_publish_leaves_the_mark_so_the_next_cycle_publishes_again()
    {
        var alice = Guid.NewGuid();
        _session.Members = [User(alice, 60, "alice@x")];
        _publisher.Recorder.Fail = new TimeoutException("no confirm");

        await Assert.ThrowsAsync<TimeoutException>(CycleAsync);
        _publisher.Recorder.Fail = null;
        await CycleAsync();

        Assert.Equal([alice.ToString()], Published.Select(m => m.DirectoryUserId));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        // A deadline, not a timing assertion: a busy machine only makes the condition come later.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition() && !deadline.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None);
        }
        Assert.True(condition());
    }

    private MappingSynchronizer WithWindow(int maxInFlight) =>
        Synchronizers.Create(_store, new ReaderOptions { MaxPublishesInFlight = maxInFlight });

    private Task<int> CycleAsync(MappingSynchronizer synchronizer) =>
        synchronizer.SyncAsync(_session, Directory, Mapping, _session.Mark, _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);

    [Fact]
    public async Task Publishes_overlap_up_to_the_window_and_the_state_is_saved_only_after_every_confirm()
    {
        _session.Members = [.. Enumerable.Range(0, 5).Select(i => User(Guid.NewGuid(), 60 + i, $"u{i}@x"))];
        _publisher.Recorder.Hold = true;

        var cycle = CycleAsync(WithWindow(2));
        // The first publish goes alone (MassTransit's one-time setup must not let later ones overtake it).
        await WaitUntil(() => _publisher.Recorder.Unconfirmed == 1);
        await Task.Delay(50);
        Assert.Single(Published);
        Assert.True(_publisher.Recorder.Confirm());
        await WaitUntil(() => _publisher.Recorder.Unconfirmed == 2);
        Assert.Equal(3, Published.Count);

        for (var confirmed = 1; confirmed < 4; confirmed++)
        {
            Assert.True(_publisher.Recorder.Confirm());
            await WaitUntil(() => Published.Count == Math.Min(5, confirmed + 3));
            Assert.Null(await _store.LoadAsync(Mapping.Id, CancellationToken.None));
            Assert.False(cycle.IsCompleted);
        }
        Assert.True(_publisher.Recorder.Confirm());

        Assert.Equal(5, await cycle);
        Assert.Equal(5, Published.Select(m => m.DirectoryUserId).Distinct().Count());
        Assert.NotNull(await _store.LoadAsync(Mapping.Id, CancellationToken.None));
    }

    [Fact]
    public async Task One_rejected_publish_among_many_fails_the_cycle_and_saves_nothing()
    {
        _session.Members = [.. Enumerable.Range(0, 4).Select(i => User(Guid.NewGuid(), 60 + i, $"u{i}@x"))];
        _publisher.Recorder.Hold = true;

        var cycle = CycleAsync(WithWindow(3));
        await WaitUntil(() => _publisher.Recorder.Unconfirmed == 1);
        Assert.True(_publisher.Recorder.Confirm());
        await WaitUntil(() => _publisher.Recorder.Unconfirmed == 3);
        Assert.True(_publisher.Recorder.Confirm());
        Assert.True(_publisher.Recorder.Reject(new InvalidOperationException("nack")));

        // The failure is reported, not the cancellation of the publishes still waiting, and only after they ended.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => cycle);
        Assert.Equal("nack", error.Message);
        Assert.Equal(0, _publisher.Recorder.Unconfirmed);
        Assert.Null(await _store.LoadAsync(Mapping.Id, CancellationToken.None));

        _publisher.Recorder.Hold = false;
        Assert.Equal(4, await CycleAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10001)]
    public void The_window_must_be_between_1_and_10000(int maxInFlight)
    {
        var options = new ReaderOptions { MaxPublishesInFlight = maxInFlight };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(ReaderOptions.MaxPublishesInFlight)));
    }
}
