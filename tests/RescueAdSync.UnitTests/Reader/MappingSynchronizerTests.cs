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
        _synchronizer = new MappingSynchronizer(_store, Options.Create(new ReaderOptions()), TimeProvider.System, NullLogger<MappingSynchronizer>.Instance);

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
        Assert.Equal(["group"], _session.Calls);
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
}
