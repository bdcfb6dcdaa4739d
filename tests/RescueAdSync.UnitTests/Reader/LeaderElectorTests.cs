using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RescueAdSync.AdReader.Leadership;

namespace RescueAdSync.UnitTests.Reader;

public sealed class LeaderElectorTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLeaseStore _store;

    public LeaderElectorTests() => _store = new FakeLeaseStore(_time);

    private LeaderElector Elector(string holder) =>
        new(_store, "ad-reader", holder, Ttl, RenewInterval, _time, NullLogger<LeaderElector>.Instance);

    [Fact]
    public async Task A_free_lease_is_acquired_and_the_holder_leads()
    {
        using var elector = Elector("a");
        Assert.False(elector.IsLeader);
        Assert.True(elector.LeadershipToken.IsCancellationRequested);

        Assert.True(await elector.RenewAsync(CancellationToken.None));

        Assert.True(elector.IsLeader);
        Assert.False(elector.LeadershipToken.IsCancellationRequested);
        Assert.Equal(("a", 1), (_store.Holder, elector.Term));
    }

    [Fact]
    public async Task Renewals_keep_the_same_term_beyond_the_lease_duration()
    {
        using var elector = Elector("a");
        await elector.RenewAsync(CancellationToken.None);
        var term = elector.LeadershipToken;

        for (var i = 0; i < 20; i++)
        {
            _time.Advance(RenewInterval);
            Assert.True(await elector.RenewAsync(CancellationToken.None));
        }

        Assert.False(term.IsCancellationRequested);
        Assert.Equal(1, elector.Term);
    }

    [Fact]
    public async Task A_second_replica_follows_while_the_lease_is_held_and_never_gets_a_live_token()
    {
        using var leader = Elector("a");
        using var follower = Elector("b");
        await leader.RenewAsync(CancellationToken.None);

        Assert.False(await follower.RenewAsync(CancellationToken.None));

        Assert.False(follower.IsLeader);
        Assert.True(follower.LeadershipToken.IsCancellationRequested);
        Assert.Equal("a", _store.Holder);
    }

    [Fact]
    public async Task A_refused_renewal_ends_the_term_at_once()
    {
        using var elector = Elector("a");
        await elector.RenewAsync(CancellationToken.None);
        var term = elector.LeadershipToken;

        _store.TakeOver("b", TimeSpan.FromMinutes(1));
        Assert.False(await elector.RenewAsync(CancellationToken.None));

        Assert.True(term.IsCancellationRequested);
        Assert.False(elector.IsLeader);
    }

    [Fact]
    public async Task An_unreachable_store_keeps_the_term_only_until_the_last_lease_would_lapse()
    {
        using var elector = Elector("a");
        await elector.RenewAsync(CancellationToken.None);
        var term = elector.LeadershipToken;

        _store.Unreachable = true;
        Assert.True(await elector.RenewAsync(CancellationToken.None));
        Assert.False(term.IsCancellationRequested);

        // Nobody renews, yet the term ends by itself once the lease we last got has lapsed, not a moment earlier.
        _time.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        Assert.False(term.IsCancellationRequested);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(term.IsCancellationRequested);
        Assert.False(elector.IsLeader);
        Assert.False(await elector.RenewAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_renewal_answered_only_after_the_lease_lapsed_ends_the_term()
    {
        using var elector = Elector("a");
        await elector.RenewAsync(CancellationToken.None);
        var term = elector.LeadershipToken;

        _store.WhileAnswering = () => _time.Advance(Ttl);
        Assert.False(await elector.RenewAsync(CancellationToken.None));

        Assert.True(term.IsCancellationRequested);
        Assert.False(elector.IsLeader);
    }

    [Fact]
    public async Task Leadership_comes_back_as_a_new_term_when_the_lease_is_free_again()
    {
        using var elector = Elector("a");
        await elector.RenewAsync(CancellationToken.None);
        _store.TakeOver("b", TimeSpan.FromSeconds(30));
        await elector.RenewAsync(CancellationToken.None);
        Assert.False(elector.IsLeader);

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(await elector.RenewAsync(CancellationToken.None));
        Assert.Equal(2, elector.Term);
    }

    [Fact]
    public async Task Release_ends_the_term_and_frees_the_lease_for_a_follower()
    {
        using var leader = Elector("a");
        using var follower = Elector("b");
        await leader.RenewAsync(CancellationToken.None);
        var term = leader.LeadershipToken;

        await leader.ReleaseAsync(CancellationToken.None);

        Assert.True(term.IsCancellationRequested);
        Assert.Equal(["a"], _store.Released);
        Assert.True(await follower.RenewAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_follower_releases_nothing()
    {
        using var leader = Elector("a");
        using var follower = Elector("b");
        await leader.RenewAsync(CancellationToken.None);
        await follower.RenewAsync(CancellationToken.None);

        await follower.ReleaseAsync(CancellationToken.None);

        Assert.Empty(_store.Released);
        Assert.True(leader.IsLeader);
    }

    [Fact]
    public void Holder_ids_differ_per_elector_in_one_process()
    {
        Assert.NotEqual(LeaderElector.NewHolderId(), LeaderElector.NewHolderId());
        Assert.StartsWith($"{Environment.MachineName}-{Environment.ProcessId}-", LeaderElector.NewHolderId());
    }
}
