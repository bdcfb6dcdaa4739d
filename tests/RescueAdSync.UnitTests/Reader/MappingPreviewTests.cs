using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>The reader's part of a preview: the same changes a cycle would publish, but nothing published and no state moved.</summary>
public sealed class MappingPreviewTests
{
    private static readonly DirectoryConnectionSettings Directory = new(DirectoryKind.ActiveDirectory, ["ldap://fake"], "admin", "pw", "DC=x");
    private static readonly Mapping Mapping = new(Guid.NewGuid(), "CN=Techs,DC=x", 1, false, true, DateTimeOffset.UtcNow);
    private readonly InMemoryReaderStateStore _store = new();
    private readonly FakeDirectorySession _session = new();
    private readonly (MassTransit.IPublishEndpoint Endpoint, PublishRecorder Recorder) _publisher = PublishRecorder.Create();

    [Fact]
    public async Task Preview_returns_what_the_next_cycle_publishes_without_publishing_or_storing_anything()
    {
        var synchronizer = Synchronizers.Create(_store);
        Guid keep = Guid.NewGuid(), leave = Guid.NewGuid(), rename = Guid.NewGuid(), arrive = Guid.NewGuid();
        _session.Members = [User(keep, 60, "keep@x"), User(leave, 61, "leave@x"), User(rename, 62, "rename@x")];
        await synchronizer.SyncAsync(_session, Directory, Mapping, _session.Mark, _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);
        var stored = await _store.LoadAsync(Mapping.Id, CancellationToken.None);
        var published = _publisher.Recorder.Published.Count;

        // The directory changes: one leaves the group, one is renamed, one arrives.
        _session.Mark = new HighWaterMark(200, "200", "dc-1");
        _session.GroupVersion = 150;
        _session.Members = [User(keep, 60, "keep@x"), User(rename, 120, "renamed@x"), User(arrive, 130, "arrive@x")];
        _session.Existing.Add(leave.ToString());

        var read = await synchronizer.PreviewAsync(_session, Directory, Mapping, _session.Mark, Guid.NewGuid(), CancellationToken.None);

        Assert.Equal(1, read.Unchanged);
        Assert.Null(read.Error);
        Assert.Equal(
            [(leave.ToString(), UserState.OutOfScope), (rename.ToString(), UserState.Enabled), (arrive.ToString(), UserState.Enabled)],
            read.Changes.Select(c => (c.DirectoryUserId, c.State)).OrderBy(c => c.Item1 == leave.ToString() ? 0 : c.Item1 == rename.ToString() ? 1 : 2));
        Assert.Equal(published, _publisher.Recorder.Published.Count);
        Assert.Same(stored, await _store.LoadAsync(Mapping.Id, CancellationToken.None));

        // The real cycle then publishes exactly those changes.
        await synchronizer.SyncAsync(_session, Directory, Mapping, _session.Mark, _publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);
        var cycle = _publisher.Recorder.Published.Skip(published).Cast<UserChanged>().ToList();
        Assert.Equal(read.Changes.Select(c => (c.DirectoryUserId, c.Version, c.State, c.Email)).Order(),
            cycle.Select(c => (c.DirectoryUserId, c.Version, c.State, c.Email)).Order());
    }

    [Fact]
    public async Task A_missing_group_fails_the_preview_like_a_cycle_instead_of_planning_to_disable_everyone()
    {
        var synchronizer = Synchronizers.Create(_store);
        _session.FailMembers = new DirectoryReadException("The group 'CN=Techs,DC=x' does not exist.");

        await Assert.ThrowsAsync<DirectoryReadException>(() =>
            synchronizer.PreviewAsync(_session, Directory, Mapping, _session.Mark, Guid.NewGuid(), CancellationToken.None));
        Assert.Empty(_publisher.Recorder.Published);
    }

    private static LdapEntry User(Guid id, long usn, string mail) =>
        Entries.Of($"CN={mail},DC=x", id.ToByteArray(), ("uSNChanged", usn.ToString()), ("cn", mail), ("mail", mail), ("userAccountControl", "512"));
}
