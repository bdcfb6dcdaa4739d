using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Sync;

namespace RescueAdSync.UnitTests.Reader;

public sealed class FullResyncTests
{
    private static readonly DirectoryConnectionSettings Directory = new(DirectoryKind.ActiveDirectory, ["ldap://fake"], "admin", "pw", "DC=x");
    private static readonly Mapping Mapping = new(Guid.NewGuid(), "CN=Techs,DC=x", 1, false, true, DateTimeOffset.UtcNow);
    private readonly InMemoryReaderStateStore _store = new();
    private readonly FakeDirectorySession _session = new();
    private readonly (MassTransit.IPublishEndpoint Endpoint, PublishRecorder Recorder) _publisher = PublishRecorder.Create();

    [Fact]
    public async Task A_requested_resync_reads_in_full_and_republishes_every_known_state_forced_at_its_version_even_when_nothing_changed()
    {
        var operations = new OperationsRecorder();
        var synchronizer = Synchronizers.Create(_store, operations: operations);
        var alice = Guid.NewGuid();
        var bob = Guid.NewGuid();
        _session.Members = [User(alice, 60, "alice@x"), User(bob, 61, "bob@x")];
        await synchronizer.SyncAsync(_session, Directory, Mapping, _session.Mark, _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);
        var first = _publisher.Recorder.Published.Cast<UserChanged>().ToList();
        _session.Calls.Clear();

        var request = Guid.NewGuid();
        var count = await synchronizer.SyncAsync(_session, Directory, Mapping with { ResyncRequestId = request }, _session.Mark,
            _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);

        Assert.Equal(2, count);
        Assert.Equal([(request, 2)], operations.ResyncsDone);
        Assert.Contains("members", _session.Calls); // a full read, although the directory did not change
        var forced = _publisher.Recorder.Published.Skip(first.Count).Cast<UserChanged>().ToList();
        Assert.All(forced, m => Assert.True(m.Force));
        Assert.Equal(first.Select(m => (m.DirectoryUserId, m.Version)).Order(), forced.Select(m => (m.DirectoryUserId, m.Version)).Order());
    }

    [Theory]
    [InlineData(5, 5, false, true)]
    [InlineData(5, 5, true, false)]
    [InlineData(6, 5, true, true)]
    [InlineData(4, 5, false, false)]
    public void A_forced_message_reapplies_the_same_version_but_never_an_older_one(long applied, long version, bool force, bool stale)
    {
        var change = new UserChanged(Guid.NewGuid(), "u", version, "U", "u@x", UserState.Enabled, "CN=u", DateTimeOffset.UtcNow, Guid.NewGuid(), force);
        Assert.Equal(stale, ProvisioningDecision.IsStale(applied, change));
    }

    private static LdapEntry User(Guid id, long usn, string mail) =>
        Entries.Of($"CN={mail},DC=x", id.ToByteArray(), ("uSNChanged", usn.ToString()), ("cn", mail), ("mail", mail), ("userAccountControl", "512"));
}
