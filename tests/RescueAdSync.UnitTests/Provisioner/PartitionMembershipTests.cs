using RescueAdSync.Provisioner.Partitions;

namespace RescueAdSync.UnitTests.Provisioner;

public sealed class PartitionMembershipTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(20)]
    public void Every_partition_has_exactly_one_owner_and_shares_differ_by_at_most_one(int instances)
    {
        var members = Enumerable.Range(0, instances).Select(i => $"instance-{i:D2}").ToList();

        var shares = members.Select(m => PartitionMembership.Owned(members, m, 16)).ToList();

        Assert.Equal(Enumerable.Range(0, 16), shares.SelectMany(s => s).Order());
        var sizes = shares.Select(s => s.Count).ToList();
        Assert.InRange(sizes.Max() - sizes.Min(), 0, 1);
    }

    [Fact]
    public void An_instance_not_in_the_list_owns_nothing()
    {
        Assert.Empty(PartitionMembership.Owned(["a", "b"], "c", 16));
    }

    [Fact]
    public void Live_members_are_sorted_include_this_instance_and_forget_silent_ones()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var membership = new PartitionMembership(clock);
        membership.Heard("zz-other");
        membership.Heard("aa-other");
        Assert.Equal(new[] { "aa-other", membership.InstanceId, "zz-other" }.Order(StringComparer.Ordinal), membership.Live(TimeSpan.FromSeconds(8)));

        clock.Advance(TimeSpan.FromSeconds(5));
        membership.Heard("aa-other");
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(new[] { "aa-other", membership.InstanceId }.Order(StringComparer.Ordinal), membership.Live(TimeSpan.FromSeconds(8)));
    }

    [Fact]
    public void Router_and_partitions_share_one_error_queue_and_other_endpoints_keep_their_own()
    {
        var formatter = new PartitionErrorQueueNameFormatter();
        Assert.Equal("user-changed_error", formatter.FormatErrorQueueName("user-changed"));
        Assert.Equal("user-changed_error", formatter.FormatErrorQueueName("user-changed-p7"));
        Assert.Equal("provisioner-heartbeat-1_error", formatter.FormatErrorQueueName("provisioner-heartbeat-1"));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
