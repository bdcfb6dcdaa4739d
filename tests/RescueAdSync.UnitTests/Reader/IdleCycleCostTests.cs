using System.Collections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>
/// An idle poll (nothing written to the directory) must cost the same at 100,000 users as at 1,000. Time is
/// never asserted; what would make it grow is: anything done per user allocates, or walks a set of users.
/// </summary>
public sealed class IdleCycleCostTests
{
    private static readonly DirectoryConnectionSettings Directory = new(DirectoryKind.ActiveDirectory, ["ldap://fake"], "admin", "pw", "DC=x");

    [Fact]
    public void An_idle_cycle_allocates_no_more_at_20000_users_than_at_10()
    {
        // A throw-away run pays the one-time costs (static set-up); then small before large: tiered compilation only
        // ever removes allocations, so the later measurement is never the inflated one.
        IdleAllocations(3, lowerUsers: null);
        var small = IdleAllocations(10, lowerUsers: null);
        var large = IdleAllocations(20_000, lowerUsers: null);

        // Anything done per user would allocate at least 8 bytes for each of 20,000 users (160 KB). Also the first idle
        // cycle after a change: it used to build the set of in-scope users (PriorityClaims) that a lone mapping never needs.
        Assert.InRange(small.Later, 1, 16 * 1024);
        Assert.InRange(large.Later, 0, small.Later + 512);
        Assert.InRange(large.First, 0, small.First + 512);
    }

    [Fact]
    public void With_two_mappings_an_idle_cycle_allocates_no_more_when_the_higher_one_holds_20000_users()
    {
        IdleAllocations(3, lowerUsers: 3);
        var small = IdleAllocations(10, lowerUsers: 10);
        var large = IdleAllocations(20_000, lowerUsers: 10);

        Assert.InRange(small.Later, 1, 32 * 1024);
        Assert.InRange(large.Later, 0, small.Later + 512);
        // The claim sets are built in the cycle that changed the state, not in the idle cycle after it.
        Assert.InRange(large.First, 0, small.First + 512);
    }

    [Fact]
    public void Whether_claims_overlap_is_walked_once_per_pair_of_sets()
    {
        var higher = new CountingSet(Enumerable.Range(0, 1000).Select(i => $"u{i}"));
        var ours = new CountingSet(["x1", "x2", "u999"]);
        var other = new CountingSet(["x1", "x2", "x3"]);

        Assert.True(ClaimOverlap.Any(higher, ours));
        Assert.False(ClaimOverlap.Any(higher, other));
        var touched = higher.Touched + ours.Touched + other.Touched;
        Assert.True(touched > 0);
        Assert.True(higher.Touched <= 6, $"the smaller set is walked, not the 1,000 users ({higher.Touched} look-ups in the larger one)");

        // The same sets again, as in every idle cycle: answered without touching either set.
        for (var i = 0; i < 10; i++)
        {
            Assert.True(ClaimOverlap.Any(higher, ours));
            Assert.False(ClaimOverlap.Any(higher, other));
        }
        Assert.Equal(touched, higher.Touched + ours.Touched + other.Touched);

        // A new set (a cycle that claimed again) is walked once.
        var changed = new CountingSet(["u1"]);
        Assert.True(ClaimOverlap.Any(higher, changed));
        Assert.True(changed.Touched > 0);
    }

    /// <summary>
    /// Bytes allocated by one idle poll's mapping work, as ReaderWorker runs it: the cycle's priority claims, then each
    /// mapping's SyncAsync. First: the idle poll right after the first (full) cycle; Later: one after a few more.
    /// </summary>
    private static (long First, long Later) IdleAllocations(int users, int? lowerUsers)
    {
        var store = new InMemoryReaderStateStore();
        var synchronizer = Synchronizers.Create(store);
        var publisher = PublishRecorder.Create();
        var mappings = new List<(Mapping Mapping, FakeDirectorySession Session)>
        {
            (new Mapping(Guid.NewGuid(), "CN=First,DC=x", 1, false, true, DateTimeOffset.UtcNow, Priority: 1), Session("a", users)),
        };
        if (lowerUsers is { } lower)
        {
            mappings.Add((new Mapping(Guid.NewGuid(), "CN=Second,DC=x", 2, false, true, DateTimeOffset.UtcNow, Priority: 2), Session("b", lower)));
        }
        var all = mappings.Select(m => m.Mapping).ToList();

        long Idle()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var poll = PollAsync(synchronizer, all, mappings, store, publisher.Endpoint);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // Synchronous all the way (cached state, nothing read), so every byte was allocated on this thread.
            Assert.True(poll.IsCompletedSuccessfully);
            Assert.All(mappings, m => Assert.Empty(m.Session.Calls));
            return allocated;
        }

        PollAsync(synchronizer, all, mappings, store, publisher.Endpoint).GetAwaiter().GetResult(); // the first, full cycle of every mapping
        Assert.Equal(users + (lowerUsers ?? 0), publisher.Recorder.Published.Count);
        foreach (var (_, session) in mappings)
        {
            session.Members = [];
            session.Calls.Clear();
        }
        var first = Idle();
        for (var i = 0; i < 3; i++)
        {
            Idle();
        }
        return (first, Idle());
    }

    private static async Task PollAsync(MappingSynchronizer synchronizer, List<Mapping> all, List<(Mapping Mapping, FakeDirectorySession Session)> mappings,
        IReaderStateStore store, MassTransit.IPublishEndpoint publisher)
    {
        var claims = await PriorityClaims.LoadAsync(all, store, CancellationToken.None);
        foreach (var (mapping, session) in mappings)
        {
            await synchronizer.SyncAsync(session, Directory, mapping, session.Mark, publisher, Guid.Empty, CancellationToken.None, claims);
        }
    }

    private static FakeDirectorySession Session(string prefix, int users) => new()
    {
        Members = Enumerable.Range(0, users)
            .Select(i => Entries.Of($"CN={prefix}{i},DC=x", Guid.NewGuid().ToByteArray(), ("uSNChanged", "60"), ("cn", $"{prefix}{i}"), ("mail", $"{prefix}{i}@x"),
                ("userAccountControl", "512")))
            .ToList(),
    };

    /// <summary>A set that counts how often it is looked into or walked.</summary>
    private sealed class CountingSet(IEnumerable<string> ids) : IReadOnlySet<string>
    {
        private readonly HashSet<string> _ids = ids.ToHashSet(StringComparer.Ordinal);

        public int Touched { get; private set; }

        public int Count => _ids.Count;

        public bool Contains(string item)
        {
            Touched++;
            return _ids.Contains(item);
        }

        public IEnumerator<string> GetEnumerator()
        {
            foreach (var id in _ids)
            {
                Touched++;
                yield return id;
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public bool IsProperSubsetOf(IEnumerable<string> other) => throw new NotSupportedException();
        public bool IsProperSupersetOf(IEnumerable<string> other) => throw new NotSupportedException();
        public bool IsSubsetOf(IEnumerable<string> other) => throw new NotSupportedException();
        public bool IsSupersetOf(IEnumerable<string> other) => throw new NotSupportedException();
        public bool Overlaps(IEnumerable<string> other) => throw new NotSupportedException();
        public bool SetEquals(IEnumerable<string> other) => throw new NotSupportedException();
    }
}
