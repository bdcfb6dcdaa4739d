using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>
/// Counts the reader's process-wide collections, so no other test may run a cycle at the same time (a large cycle of
/// another class would add to the count): the collection runs alone.
/// </summary>
[Collection(nameof(CycleMemoryTests))]
[CollectionDefinition(nameof(CycleMemoryTests), DisableParallelization = true)]
public sealed class CycleMemoryTests
{
    [Fact]
    public void Collection_points_double_so_their_number_grows_with_the_log_of_the_cycle()
    {
        Assert.Equal([20_000, 40_000, 80_000], Enumerable.Range(0, 100_001).Where(CycleMemory.IsPoint));
        Assert.Equal(7, Enumerable.Range(0, 2_000_001).Count(CycleMemory.IsPoint));
        Assert.DoesNotContain(Enumerable.Range(0, CycleMemory.FirstPoint), CycleMemory.IsPoint);
    }

    [Fact]
    public async Task A_large_first_cycle_collects_during_the_read_after_it_and_while_publishing_and_a_small_one_never()
    {
        const string group = "CN=Techs,DC=x";
        var directory = new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, ["ldap://fake"], "admin", "pw", "DC=x");
        var large = new Mapping(Guid.NewGuid(), group, 1, false, true, DateTimeOffset.UtcNow);
        var small = new Mapping(Guid.NewGuid(), group, 2, false, true, DateTimeOffset.UtcNow);
        var synchronizer = Synchronizers.Create(new InMemoryReaderStateStore());
        var publisher = PublishRecorder.Create();
        var session = new FakeDirectorySession
        {
            Members = [.. Enumerable.Range(0, 2 * CycleMemory.FirstPoint).Select(i => Entries.Of($"CN=u{i},DC=x", Guid.NewGuid().ToByteArray(),
                ("uSNChanged", "60"), ("cn", $"u{i}"), ("mail", $"u{i}@x"), ("userAccountControl", "512")))],
        };

        var before = (Full: GC.GetGCMemoryInfo(GCKind.FullBlocking).Index, Ours: CycleMemory.Collections);
        await synchronizer.SyncAsync(session, directory, large, session.Mark, publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);

        // Read 20,000 and 40,000, after the read, before publishing the 20,001st: four full blocking collections.
        Assert.Equal(4, CycleMemory.Collections - before.Ours);
        Assert.True(GC.GetGCMemoryInfo(GCKind.FullBlocking).Index - before.Full >= 4);
        Assert.Equal(2 * CycleMemory.FirstPoint, publisher.Recorder.Published.Count);

        session.Members = session.Members.Take(CycleMemory.FirstPoint - 1).ToList();
        var afterLarge = CycleMemory.Collections;
        await synchronizer.SyncAsync(session, directory, small, session.Mark, publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);

        Assert.Equal(3 * CycleMemory.FirstPoint - 1, publisher.Recorder.Published.Count);
        Assert.Equal(afterLarge, CycleMemory.Collections);
    }
}
