using System.Diagnostics;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Faults with replicas: two provisioners sharing the queue, one SIGKILLed mid-stream; two readers, the leader SIGKILLed
/// mid-stream and the follower taking over. Same stream and final comparison as <see cref="FaultToleranceTests"/>.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class ScaleOutFaultTests(SlapdFixture slapd, RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Two_provisioners_one_killed_mid_stream_the_other_carries_on_and_every_change_is_applied_once()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-2prov-kill");
        var survivor = await stream.Stack.StartReplicaAsync("provisioner");
        var victim = stream.Stack.Service("provisioner");
        var timings = await stream.RunAsync(async () =>
        {
            victim.Kill();
            // Dead for most of the stream: the survivor alone must take the queue, including the victim's unacknowledged messages.
            await Task.Delay(FaultToleranceTests.CrashPause * 2);
            await victim.StartAgainAsync();
        });
        output.WriteLine($"Two provisioners, one SIGKILLed: {timings}");
        // The survivor really shared the work (else this was a one-provisioner test).
        Assert.True(await SyncStack.MetricSumAsync(survivor, "adsync_provisioner_operations_total") > 0,
            $"the second provisioner handled no message\n{stream.Stack.Output}");
    }

    [Fact]
    public async Task Two_readers_the_leader_killed_mid_stream_the_follower_takes_over_and_nothing_is_lost_or_duplicated()
    {
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-2reader-kill");
        await stream.Stack.StartReplicaAsync("ad-reader");
        var readers = stream.Stack.Replicas("ad-reader");
        Assert.Equal(2, readers.Count);
        var leader = await OnlyLeaderAsync(stream.Stack, readers);
        var follower = readers.Single(r => r != leader);
        var takeover = new Stopwatch();
        var timings = await stream.RunAsync(async () =>
        {
            leader.Kill();
            takeover.Start();
            // The follower must become the leader by itself (once the killed leader's lease runs out), while the stream goes on.
            await stream.Stack.EventuallyAsync(() => SyncStack.IsLeaderAsync(follower), "the follower to take the leader lease",
                TimeSpan.FromSeconds(90));
            takeover.Stop();
            await leader.StartAgainAsync();
        });
        output.WriteLine($"Two readers, leader SIGKILLed: follower leader {takeover.Elapsed.TotalSeconds:0.0} s after the kill; {timings}");
        // Still exactly one leader once the killed one is back (it follows now).
        var after = await OnlyLeaderAsync(stream.Stack, readers);
        output.WriteLine($"Leader at the end: {after.Name}");
    }

    internal static async Task<ServiceProcess> OnlyLeaderAsync(SyncStack stack, IReadOnlyList<ServiceProcess> readers)
    {
        ServiceProcess? leader = null;
        await stack.EventuallyAsync(async () =>
        {
            var leaders = new List<ServiceProcess>();
            foreach (var reader in readers)
            {
                if (await SyncStack.IsLeaderAsync(reader))
                {
                    leaders.Add(reader);
                }
            }

            leader = leaders.Count == 1 ? leaders[0] : null;
            return leader is not null;
        }, "exactly one leading ad-reader", TimeSpan.FromSeconds(60));
        return leader!;
    }
}
