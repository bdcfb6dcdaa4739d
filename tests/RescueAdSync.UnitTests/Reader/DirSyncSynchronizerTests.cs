using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>How a cycle uses DirSync: its changes only after a stored cookie, the cookie saved with the mark, a refusal remembered.</summary>
public sealed class DirSyncSynchronizerTests
{
    private const string Group = "CN=Techs,DC=x";
    private static readonly DirectoryConnectionSettings Directory = new(DirectoryKind.ActiveDirectory, ["ldap://fake"], "admin", "pw", "DC=x");
    private static readonly Mapping Mapping = new(Guid.NewGuid(), Group, 1, false, true, DateTimeOffset.UtcNow);
    private readonly InMemoryReaderStateStore _store = new();
    private readonly FakeDirectorySession _session = new();
    private readonly (MassTransit.IPublishEndpoint Endpoint, PublishRecorder Recorder) _publisher = PublishRecorder.Create();
    private readonly MappingSynchronizer _synchronizer;

    public DirSyncSynchronizerTests() =>
        _synchronizer = Synchronizers.Create(_store);

    private static LdapEntry User(Guid id, long usn, string mail) =>
        Entries.Of($"CN={mail},DC=x", id.ToByteArray(), ("uSNChanged", usn.ToString()), ("cn", mail), ("mail", mail), ("userAccountControl", "512"),
            ("memberOf", Group));

    private static DirSyncChanges Feed(string cookie, string[] changed, string[]? deleted = null) =>
        new(changed, deleted ?? [], Encoding.ASCII.GetBytes(cookie));

    private async Task CycleAsync(long mark)
    {
        _session.Mark = _session.Mark with { Version = mark, Token = mark.ToString() };
        await _synchronizer.SyncAsync(_session, Directory, Mapping, _session.Mark, _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);
    }

    private IReadOnlyList<UserChanged> Published => _publisher.Recorder.Published.Cast<UserChanged>().ToList();

    [Fact]
    public async Task The_first_round_only_yields_a_cookie_then_changes_come_from_DirSync_and_the_cookie_moves_with_the_state()
    {
        var alice = Guid.NewGuid();
        var bob = Guid.NewGuid();
        _session.Members = [User(alice, 60, "alice@x"), User(bob, 61, "bob@x")];
        // The first round reports every user: the full read does that job, DirSync only gives the starting cookie.
        _session.DirSync = Feed("c1", [alice.ToString(), bob.ToString()]);
        await CycleAsync(100);
        Assert.Equal("c1", Encoding.ASCII.GetString(Convert.FromBase64String((await _store.LoadAsync(Mapping.Id, default))!.DirSyncCookie!)));
        Assert.DoesNotContain("byids", _session.Calls);
        _session.Calls.Clear();

        _session.Changed = [User(alice, 110, "alice.new@x")];
        _session.DirSync = Feed("c2", [alice.ToString()], [bob.ToString()]);
        await CycleAsync(120);

        Assert.Equal(["(none)", "c1"], _session.DirSyncCookies);
        Assert.Contains("byids", _session.Calls);
        Assert.DoesNotContain("changed", _session.Calls);
        Assert.DoesNotContain("deleted", _session.Calls);
        Assert.DoesNotContain("members", _session.Calls);
        Assert.Equal([("alice.new@x", UserState.Enabled), ("bob@x", UserState.Deleted)], Published.Skip(2).Select(m => (m.Email, m.State)));
        Assert.Equal("c2", Encoding.ASCII.GetString(Convert.FromBase64String((await _store.LoadAsync(Mapping.Id, default))!.DirSyncCookie!)));
    }

    [Fact]
    public async Task A_refused_DirSync_falls_back_to_uSNChanged_and_is_not_asked_again_each_cycle()
    {
        var alice = Guid.NewGuid();
        _session.Members = [User(alice, 60, "alice@x")];
        _session.DirSync = null;
        await CycleAsync(100);
        _session.Changed = [User(alice, 110, "alice.new@x")];

        await CycleAsync(120);
        await CycleAsync(130);

        Assert.Single(_session.DirSyncCookies);
        Assert.Contains("changed", _session.Calls);
        Assert.Null((await _store.LoadAsync(Mapping.Id, default))!.DirSyncCookie);
        Assert.Equal(("alice.new@x", 110L), (Published[^1].Email, Published[^1].Version));
    }

    [Fact]
    public async Task A_cookie_of_another_DC_is_not_reused()
    {
        var alice = Guid.NewGuid();
        _session.Members = [User(alice, 60, "alice@x")];
        _session.DirSync = Feed("c1", [alice.ToString()]);
        await CycleAsync(100);

        // Another DC (or a restored one): a new invocationId, so the mark and the cookie start over.
        _session.Mark = _session.Mark with { ServerIdentity = "dc-2" };
        await CycleAsync(50);

        Assert.Equal(["(none)", "(none)"], _session.DirSyncCookies);
        Assert.Contains("members", _session.Calls);
    }
}
