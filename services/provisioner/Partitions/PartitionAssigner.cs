using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Consumers;

namespace RescueAdSync.Provisioner.Partitions;

/// <summary>
/// Shares the partition queues among the live provisioner instances. Every instance publishes a heartbeat every
/// <see cref="ProvisionerOptions.HeartbeatSeconds"/>; all of them sort the instances heard from recently the same way and
/// take partitions round robin, so each consumes about N/instances partitions. Correctness does not depend on the
/// instances agreeing: every partition queue has a single active consumer, so while a partition changes hands the new
/// owner waits behind the old one until that one lets go (after finishing its messages in flight), and a user's versions
/// are never applied by two instances at once. An instance that dies stops sending heartbeats; after
/// <see cref="ProvisionerOptions.MemberTimeoutSeconds"/> the others take its partitions over. On shutdown the bus stops
/// every endpoint, these included (messages in flight finish first).
/// </summary>
public sealed class PartitionAssigner(
    IBus bus,
    IReceiveEndpointConnector connector,
    PartitionMembership membership,
    PartitionTopology topology,
    IOptions<ProvisionerOptions> options,
    TimeProvider time,
    ILogger<PartitionAssigner> logger) : BackgroundService
{
    private readonly Dictionary<int, HostReceiveEndpointHandle> _connected = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var beat = TimeSpan.FromSeconds(settings.HeartbeatSeconds);
        var timeout = TimeSpan.FromSeconds(settings.MemberTimeoutSeconds);
        // Every partition queue exists and is on the hash ring before anything is routed, whoever consumes it.
        await RetryUntilDoneAsync(topology.DeclareAsync, "declaring the partition queues", stoppingToken);

        // Listen before taking anything: an instance joining a running group takes only its share.
        var listenUntil = time.GetUtcNow() + 2 * beat;
        try
        {
            using var timer = new PeriodicTimer(beat, time);
            do
            {
                await PublishHeartbeatAsync(stoppingToken);
                if (time.GetUtcNow() < listenUntil)
                {
                    continue;
                }

                var members = membership.Live(timeout);
                try
                {
                    await ApplyAsync(PartitionMembership.Owned(members, membership.InstanceId, settings.Partitions), members.Count, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The broker is away or the bus restarting: the next tick tries again.
                    logger.PartitionAdjustmentFailed(ex.Message, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyAsync(IReadOnlySet<int> owned, int members, CancellationToken ct)
    {
        foreach (var partition in _connected.Keys.Where(p => !owned.Contains(p)).ToList())
        {
            await ReleaseAsync(partition, ct);
        }

        var added = owned.Where(p => !_connected.ContainsKey(p)).Order().ToList();
        foreach (var partition in added)
        {
            var handle = connector.ConnectReceiveEndpoint(UserChangedTopology.PartitionQueue(partition), (context, endpoint) =>
                UserChangedConsumerDefinition.ConfigurePartitionEndpoint(endpoint, context));
            _connected[partition] = handle;
        }
        if (added.Count > 0)
        {
            logger.PartitionsConsumed(string.Join(",", _connected.Keys.Order()), options.Value.Partitions, members);
        }

        PartitionMetrics.Owned.Set(_connected.Count);
        PartitionMetrics.Instances.Set(members);
    }

    private async Task ReleaseAsync(int partition, CancellationToken ct)
    {
        if (!_connected.Remove(partition, out var handle))
        {
            return;
        }

        try
        {
            // Finishes the messages in flight, then cancels the consumer: the next instance in line becomes active.
            await handle.StopAsync(ct);
            logger.PartitionReleased(partition);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.PartitionReleaseFailed(partition, ex.Message, ex);
        }
        PartitionMetrics.Owned.Set(_connected.Count);
    }

    private async Task PublishHeartbeatAsync(CancellationToken ct)
    {
        try
        {
            await bus.Publish(new ProvisionerHeartbeat(membership.InstanceId, time.GetUtcNow()), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The broker is away: the bus reconnects on its own; partitions stay as they are meanwhile.
            logger.HeartbeatFailed(ex.Message, ex);
        }
    }

    private async Task RetryUntilDoneAsync(Func<CancellationToken, Task> action, string what, CancellationToken ct)
    {
        for (var delay = TimeSpan.FromSeconds(1); ; delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2)))
        {
            try
            {
                await action(ct);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.StartupStepFailed(what, ex.Message, delay, ex);
                await Task.Delay(delay, time, ct);
            }
        }
    }
}
