using System.Diagnostics;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// The sync on a three-node RabbitMQ cluster (the services given every node in RabbitMq__Nodes): the node that leads most
/// partition queues is SIGKILLed in the middle of an initial sync or of a directory change stream, or every node is restarted
/// in turn during a stream. The quorum queues keep every message on the surviving majority: nothing is lost, duplicated,
/// deleted, nothing ends in the error queue, and the emulator matches the directory within 60 s of the kill (for an
/// initial sync: 60 s more than the rest of the sync takes at the rate it had before the kill).
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class RabbitMqClusterFaultTests(SlapdFixture slapd, RabbitMqClusterFixture rabbit, ITestOutputHelper output)
    : IClassFixture<RabbitMqClusterFixture>
{
    /// <summary>How long after a node's death the emulator must match the directory.</summary>
    public static readonly TimeSpan ConvergeAfterKill = TimeSpan.FromSeconds(60);

    private const string PartitionPrefix = "user-changed-p";

    // Nightly for their length: a cluster of their own (~60 s to start), then one to several minutes per case. The refused
    // publish the kill used to cause is reproduced deterministically in the default set (RefusedPublishTests).
    [Fact]
    [Trait(Nightly.Trait, Nightly.Value)]
    public Task Initial_sync_of_1000_users_with_the_partition_leader_node_killed_midway_loses_and_duplicates_no_technician() =>
        InitialSyncWithLeaderKilledAsync(1_000, "clu-init-1k");

    [Fact]
    [Trait(Nightly.Trait, Nightly.Value)]
    public Task Initial_sync_of_10000_users_with_the_partition_leader_node_killed_midway_loses_and_duplicates_no_technician() =>
        InitialSyncWithLeaderKilledAsync(10_000, "clu-init-10k");

    [Fact]
    [Trait(Nightly.Trait, Nightly.Value)]
    public async Task Partition_leader_node_killed_mid_stream_loses_no_change_and_duplicates_no_technician()
    {
        var cluster = rabbit.Cluster;
        var total = Stopwatch.StartNew();
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "clu-stream-kill",
            serviceEnvironment: rabbit.ServiceEnvironment);
        var vhost = stream.Stack.VirtualHost;
        await AssertPartitionsReplicatedOnEveryNodeAsync(vhost);
        var leader = await LeaderOfMostPartitionsAsync(vhost);
        output.WriteLine(await ConnectionsAsync(vhost, 1));
        var sinceKill = new Stopwatch();
        try
        {
            StreamTimings timings;
            try
            {
                timings = await stream.RunAsync(async () =>
                {
                    await cluster.KillNodeAsync(leader);
                    sinceKill.Start();
                }, ConvergeAfterKill + TimeSpan.FromSeconds(30));
            }
            catch
            {
                // What the surviving nodes say about the queues, for the failure's reader.
                await ReportQueuesAsync(vhost, leader == 1 ? 2 : 1);
                throw;
            }
            sinceKill.Stop();
            var converged = sinceKill.Elapsed - timings.Quiet;
            var renewals = stream.Stack.Output.Split('\n').Count(line => line.Contains("The broker refused a publish", StringComparison.Ordinal));
            output.WriteLine($"Node {leader} (leader of most partition queues) SIGKILLed mid-stream: converged {converged.TotalSeconds:0.0} s after the kill; " +
                $"the reader renewed its broker connection after a refused publish {renewals} times; {timings}");
            Assert.True(converged <= ConvergeAfterKill, $"converged {converged.TotalSeconds:0.0} s after the kill");
        }
        finally
        {
            await cluster.StartNodeAsync(leader);
        }
        await AssertErrorQueueEmptyAsync(vhost);
        output.WriteLine($"Whole case: {total.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    [Trait(Nightly.Trait, Nightly.Value)]
    public async Task Rolling_restart_of_every_node_mid_stream_loses_no_change_and_duplicates_no_technician()
    {
        var cluster = rabbit.Cluster;
        var total = Stopwatch.StartNew();
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "clu-stream-rolling",
            serviceEnvironment: rabbit.ServiceEnvironment);
        var vhost = stream.Stack.VirtualHost;
        await AssertPartitionsReplicatedOnEveryNodeAsync(vhost);
        var restarts = new List<string>();
        var timings = await stream.RunAsync(async () =>
        {
            for (var node = 1; node <= cluster.Count; node++)
            {
                var clock = Stopwatch.StartNew();
                await cluster.StopNodeAsync(node);
                await cluster.StartNodeAsync(node);
                // The next node goes down only once every partition queue has all its members back: one node down at a time.
                await AllPartitionMembersOnlineAsync(vhost, node);
                restarts.Add($"node {node} {clock.Elapsed.TotalSeconds:0.0} s");
            }
        }, TimeSpan.FromMinutes(3));
        output.WriteLine($"Rolling restart ({string.Join(", ", restarts)}): {timings}");
        await AssertErrorQueueEmptyAsync(vhost);
        output.WriteLine($"Whole case: {total.Elapsed.TotalSeconds:0.0} s");
    }

    private async Task InitialSyncWithLeaderKilledAsync(int users, string name)
    {
        var cluster = rabbit.Cluster;
        var total = Stopwatch.StartNew();
        await using var sync = await ClusterInitialSync.StartAsync(slapd.Server, rabbit.Broker, rabbit.ServiceEnvironment, users, name);
        var vhost = sync.Stack.VirtualHost;
        await AssertPartitionsReplicatedOnEveryNodeAsync(vhost);
        var rate = await sync.WaitForAtLeastAsync(users / 2, TimeSpan.FromMinutes(20));
        var leader = await LeaderOfMostPartitionsAsync(vhost);
        var atKill = await sync.CountAsync();
        await cluster.KillNodeAsync(leader);
        TimeSpan converged;
        try
        {
            converged = await sync.WaitUntilCompleteAsync(TimeSpan.FromMinutes(15));
        }
        finally
        {
            await cluster.StartNodeAsync(leader);
        }
        await sync.Stack.WaitForRescueQuietAsync(DirectoryChangeStream.QuietPeriod, "after the initial sync completed");
        var final = await sync.CountAsync();
        // What the rest of the sync takes at the rate seen before the kill; the kill may add at most ConvergeAfterKill to it.
        var remaining = TimeSpan.FromSeconds((users - atKill.Present) / rate);
        output.WriteLine($"{users} users, node {leader} (leader of most partition queues) SIGKILLed at {atKill.Present} synced " +
            $"({rate:0} users/s before): converged {converged.TotalSeconds:0.0} s after the kill (the rest at that rate: {remaining.TotalSeconds:0.0} s); " +
            $"at the end {final}; whole case {total.Elapsed.TotalSeconds:0.0} s");
        Assert.True(final.IsComplete, $"after the quiet period: {final}");
        Assert.DoesNotContain(await sync.Stack.Emulator.GetCalledMethodsAsync(), m => m.Equals("deleteNode", StringComparison.OrdinalIgnoreCase));
        await AssertErrorQueueEmptyAsync(vhost);
        Assert.True(converged <= remaining + ConvergeAfterKill,
            $"converged {converged.TotalSeconds:0.0} s after the kill; the rest of the sync takes {remaining.TotalSeconds:0.0} s at the rate before it");
    }

    /// <summary>Every partition queue is a quorum queue with a running member on each node of the cluster; no durable queue is classic.</summary>
    private async Task AssertPartitionsReplicatedOnEveryNodeAsync(string vhost)
    {
        IReadOnlyList<QuorumQueue> partitions = [];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            partitions = Partitions(await rabbit.Cluster.GetQuorumQueuesAsync(vhost));
            // Online too: a member still starting on a node would leave one survivor of three when another node is killed.
            if (partitions.Count > 0 && partitions.All(q => q.Members.Count == rabbit.Cluster.Count && q.Online.Count == rabbit.Cluster.Count))
            {
                // And no durable queue lives on one node only: the wait, error and preview queues are quorum queues too.
                Assert.Empty(await rabbit.Cluster.GetDurableClassicQueuesAsync(vhost));
                return;
            }

            await Task.Delay(250);
        }
        Assert.Fail($"Partition queues not on every node: {string.Join("; ", partitions.Select(q => $"{q.Name}: {string.Join(",", q.Members)}"))}");
    }

    private async Task<int> LeaderOfMostPartitionsAsync(string vhost)
    {
        var leaders = Partitions(await rabbit.Cluster.GetQuorumQueuesAsync(vhost)).GroupBy(q => q.Leader).OrderByDescending(g => g.Count()).ToList();
        output.WriteLine($"Partition queue leaders: {string.Join(", ", leaders.Select(g => $"{g.Key} {g.Count()}"))}");
        return rabbit.Cluster.NodeNumber(leaders[0].Key);
    }

    private async Task AllPartitionMembersOnlineAsync(string vhost, int restarted)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<QuorumQueue> partitions = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            partitions = Partitions(await rabbit.Cluster.GetQuorumQueuesAsync(vhost, restarted));
            if (partitions.Count > 0 && partitions.All(q => q.Online.Count == rabbit.Cluster.Count && q.Leader.Length > 0))
            {
                return;
            }

            await Task.Delay(250);
        }
        Assert.Fail($"Partition queue members not all online: {string.Join("; ", partitions.Select(q => $"{q.Name}: {string.Join(",", q.Online)}"))}");
    }

    private async Task ReportQueuesAsync(string vhost, int node)
    {
        foreach (var queue in await rabbit.Cluster.GetQuorumQueuesAsync(vhost, node))
        {
            output.WriteLine($"{queue.Name}: leader {queue.Leader}, online {string.Join(",", queue.Online)}");
        }
        output.WriteLine($"Durable classic queues: {string.Join(", ", await rabbit.Cluster.GetDurableClassicQueuesAsync(vhost, node))}");
        output.WriteLine(await ConnectionsAsync(vhost, node));
    }

    private async Task<string> ConnectionsAsync(string vhost, int node) =>
        $"Connections: {string.Join(", ", (await rabbit.Cluster.GetConnectionsAsync(vhost, node)).Select(c => $"{c.Name} on {c.Node}"))}";

    private async Task AssertErrorQueueEmptyAsync(string vhost) =>
        Assert.Equal(0, await rabbit.Cluster.GetMessageCountAsync(vhost, "user-changed_error"));

    private static List<QuorumQueue> Partitions(IReadOnlyList<QuorumQueue> queues) =>
        [.. queues.Where(q => q.Name.StartsWith(PartitionPrefix, StringComparison.Ordinal))];
}
