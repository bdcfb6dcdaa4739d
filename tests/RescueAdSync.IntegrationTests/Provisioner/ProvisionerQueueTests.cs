using RabbitMQ.Client;
using RescueAdSync.Contracts;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Provisioner;

/// <summary>The RabbitMQ side: topology, poison messages, ordering across provisioner instances and sharing the work between them.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class ProvisionerQueueTests(RabbitMqFixture rabbit)
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Three_instances_on_one_queue_end_with_the_newest_version_of_interleaved_changes()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-order", instances: 3);
        var queue = await stack.GetQueueAsync("user-changed");
        Assert.Equal("quorum", queue.GetProperty("type").GetString());
        Assert.True(queue.GetProperty("durable").GetBoolean());
        Assert.True(queue.GetProperty("arguments").GetProperty("x-single-active-consumer").GetBoolean());
        await stack.EventuallyAsync(async () => await stack.GetQueueCountAsync("user-changed", "consumers") == 3, "three consumers on user-changed");

        const int users = 12, versions = 6;
        var random = new Random(4711);
        // Every user exists first, so that each later version touches a technician.
        await stack.PublishAsync([.. Enumerable.Range(0, users).Select(u => stack.Change($"u{u}-{_id}", 1, $"User {u} v1", $"user{u}-{_id}@example.org"))]);
        for (var u = 0; u < users; u++)
        {
            var userId = $"u{u}-{_id}";
            await stack.EventuallyAsync(async () => (await stack.GetLinkAsync(userId))?.Version == 1, $"{userId} at version 1");
        }
        var changes = new List<UserChanged>();
        for (var v = 2; v <= versions; v++)
        {
            foreach (var u in Enumerable.Range(0, users).OrderBy(_ => random.Next()))
            {
                var state = (u + v) % 3 == 0 ? UserState.Disabled : UserState.Enabled;
                changes.Add(stack.Change($"u{u}-{_id}", v, $"User {u} v{v}", $"user{u}-{_id}@example.org", state));
            }
        }
        // Interleaved: versions of one user arrive out of order, the newest often before older ones.
        var shuffled = changes.OrderBy(_ => random.Next()).ToArray();
        await stack.PublishAsync(shuffled);

        for (var u = 0; u < users; u++)
        {
            var userId = $"u{u}-{_id}";
            await stack.EventuallyAsync(async () => (await stack.GetLinkAsync(userId))?.Version == versions, $"{userId} at version {versions}");
        }

        var technicians = await stack.Emulator.GetTechniciansAsync();
        for (var u = 0; u < users; u++)
        {
            var newest = changes.Single(c => c.DirectoryUserId == $"u{u}-{_id}" && c.Version == versions);
            var technician = Assert.Single(technicians, t => t.Email == newest.Email);
            Assert.Equal((newest.DisplayName, newest.State == UserState.Enabled ? "Enabled" : "Disabled"), (technician.Name, technician.Status));
        }
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    [Fact]
    public async Task Messages_go_straight_to_the_partitions_and_an_older_installations_router_queue_is_unbound_and_drained()
    {
        var waiting = $"waiting-{_id}";
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-upgrade", beforeProvisioners: async stack =>
        {
            // An older installation: MassTransit had bound the reader's exchange to the router queue, and a message waits there.
            await using var connection = await stack.ConnectAsync();
            await using var channel = await connection.CreateChannelAsync();
            await channel.ExchangeDeclareAsync(SyncStack.UserChangedExchange, ExchangeType.Fanout, durable: true);
            await channel.QueueDeclareAsync("user-changed", durable: true, exclusive: false, autoDelete: false,
                new Dictionary<string, object?> { ["x-queue-type"] = "quorum", ["x-single-active-consumer"] = true });
            await channel.ExchangeDeclareAsync("user-changed", ExchangeType.Fanout, durable: true);
            await channel.QueueBindAsync("user-changed", "user-changed", "");
            await channel.ExchangeBindAsync("user-changed", SyncStack.UserChangedExchange, "");
            await stack.PublishAsync(stack.Change(waiting, 1, "Waiting User", $"{waiting}@example.org"));
            await stack.EventuallyAsync(async () => await stack.GetQueueCountAsync("user-changed") == 1, "the message waiting in user-changed");
        });

        // The router still takes what waits in its queue (and what an operator moves back from the error queue)...
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync(waiting))?.Version == 1, $"{waiting} provisioned from user-changed");
        // ...but the reader's exchange now routes to the partitions' hash exchange only: no message passes the router twice.
        Assert.Equal(["user-changed-partitions"], await stack.GetBindingDestinationsAsync(SyncStack.UserChangedExchange));
        var direct = $"direct-{_id}";
        await stack.PublishAsync(stack.Change(direct, 1, "Direct User", $"{direct}@example.org"), stack.Change(waiting, 2, "Waiting User 2", $"{waiting}@example.org"));
        await stack.EventuallyAsync(async () => (await stack.GetLinkAsync(direct))?.Version == 1 && (await stack.GetLinkAsync(waiting))?.Version == 2,
            "both users provisioned through their partitions");
        // The management statistics lag behind the queue by a few seconds.
        await stack.EventuallyAsync(async () => await stack.GetQueueCountAsync("user-changed") == 0, "user-changed drained");
        var technicians = await stack.Emulator.GetTechniciansAsync();
        Assert.Equal("Waiting User 2", Assert.Single(technicians, t => t.Email == $"{waiting}@example.org").Name);
        Assert.Single(technicians, t => t.Email == $"{direct}@example.org");
    }

    [Fact]
    public async Task Three_instances_share_the_partitions_and_each_applies_part_of_the_changes()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-share", instances: 3);
        // The instances hear each other's heartbeats and split the partitions round robin.
        await stack.EventuallyAsync(async () =>
        {
            var owned = 0.0;
            foreach (var provisioner in stack.Provisioners)
            {
                var metrics = await stack.GetMetricsAsync(provisioner);
                // 48 partitions divide evenly: no instance is left with a larger share to finish alone.
                if (Metric(metrics, "adsync_provisioner_instances") != 3 || Metric(metrics, "adsync_provisioner_partitions_owned") != 16)
                {
                    return false;
                }

                owned += Metric(metrics, "adsync_provisioner_partitions_owned") ?? 0;
            }
            return owned == 48;
        }, "three instances owning 16 of the 48 partitions each", TimeSpan.FromSeconds(90));
        for (var p = 0; p < 48; p++)
        {
            var partition = await stack.GetQueueAsync($"user-changed-p{p}");
            Assert.Equal("quorum", partition.GetProperty("type").GetString());
            Assert.True(partition.GetProperty("arguments").GetProperty("x-single-active-consumer").GetBoolean());
        }

        const int users = 60;
        await stack.PublishAsync([.. Enumerable.Range(0, users).Select(u => stack.Change($"u{u}-{_id}", 1, $"User {u}", $"user{u}-{_id}@example.org"))]);

        for (var u = 0; u < users; u++)
        {
            var userId = $"u{u}-{_id}";
            await stack.EventuallyAsync(async () => (await stack.GetLinkAsync(userId))?.Version == 1, $"{userId} at version 1");
        }
        Assert.Equal(users, (await stack.Emulator.GetTechniciansAsync()).Count);
        var created = new List<double>();
        foreach (var provisioner in stack.Provisioners)
        {
            created.Add(Metric(await stack.GetMetricsAsync(provisioner), "adsync_provisioner_operations_total{result=\"created\"}") ?? 0);
        }

        Assert.True(created.All(c => c > 0), $"every instance creates some technicians, not {string.Join(", ", created)}");
        Assert.Equal(users, created.Sum());
        // The link writes went through POST /api/links/batch: each new user's intent, claim and version (3 per user; a
        // retried message would add its own).
        var linkWrites = 0.0;
        foreach (var provisioner in stack.Provisioners)
        {
            linkWrites += Metric(await stack.GetMetricsAsync(provisioner), "adsync_provisioner_link_batch_size_sum") ?? 0;
        }

        Assert.True(linkWrites >= 3 * users, $"{linkWrites} link writes in batches for {users} new users");
        await ProvisionerAssertions.NeverDeletedOrMovedAsync(stack);
    }

    /// <summary>The value of one series in Prometheus text format, or null when absent.</summary>
    private static double? Metric(string metrics, string series)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    [Fact]
    public async Task Unreadable_message_and_unknown_mapping_go_to_the_error_queue_with_the_reason_and_the_rest_keeps_flowing()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-poison");

        await stack.PublishRawAsync("{ this is not json");
        await stack.PublishAsync(stack.Change($"x-{_id}", 1, "Nobody", $"nobody{_id}@example.org") with { MappingId = Guid.NewGuid() });
        await stack.PublishAsync(stack.Change($"u-{_id}", 1, "Mia Moss", $"mia{_id}@example.org"));

        await stack.WaitForTechnicianAsync(t => t.Email == $"mia{_id}@example.org", "mia despite the poison");
        await stack.EventuallyAsync(async () => await stack.GetQueueCountAsync("user-changed_error") == 2,
            "two messages in user-changed_error");
        // A quorum queue like the endpoints it serves (MassTransit copies their queue arguments): no node holds it alone.
        Assert.Equal("quorum", (await stack.GetQueueAsync("user-changed_error")).GetProperty("type").GetString());
        var faults = await stack.ReadFaultReasonsAsync("user-changed_error", 2);
        Assert.Contains(faults, f => f!.Contains("does not exist in the config service", StringComparison.Ordinal));
        Assert.Single(faults, f => !f!.Contains("does not exist in the config service", StringComparison.Ordinal));

        await stack.EventuallyAsync(async () =>
        {
            var log = await stack.GetSyncLogAsync();
            return log.Any(e => e.ErrorCode == "UNKNOWN_MAPPING" && e.DirectoryUserId == $"x-{_id}")
                && log.Any(e => e.ErrorCode == "UNREADABLE_MESSAGE");
        }, "both poison messages in the sync log");
        Assert.DoesNotContain(await stack.Emulator.GetTechniciansAsync(), t => t.Email == $"nobody{_id}@example.org");
    }

    [Fact]
    public async Task An_older_installations_classic_wait_and_preview_queues_are_retired_into_quorum_queues_with_what_waits_in_them()
    {
        var waiting = $"waiting-{_id}";
        var preview = Guid.NewGuid();
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-retire",
            environment: new() { ["Provisioner__RedeliveryDelaysSeconds__0"] = "300" },
            beforeProvisioners: async stack =>
            {
                // An older installation: classic queues, each with a message waiting.
                await using var connection = await stack.ConnectAsync();
                await using var channel = await connection.CreateChannelAsync();
                await channel.QueueDeclareAsync("user-changed-wait-300s", durable: true, exclusive: false, autoDelete: false,
                    new Dictionary<string, object?> { ["x-message-ttl"] = 300_000, ["x-dead-letter-exchange"] = "user-changed-partitions" });
                await channel.ExchangeDeclareAsync("user-changed-wait-300s", ExchangeType.Fanout, durable: true);
                await channel.QueueBindAsync("user-changed-wait-300s", "user-changed-wait-300s", "");
                await channel.BasicPublishAsync("user-changed-wait-300s", waiting, mandatory: true, Persistent(), Envelope("RescueAdSync.Contracts:UserChanged",
                    $$"""{"mappingId":"{{stack.MappingId}}","directoryUserId":"{{waiting}}","version":1,"displayName":"Waiting User","email":"{{waiting}}@example.org","state":"Enabled"}"""));

                await channel.QueueDeclareAsync("preview-read", durable: true, exclusive: false, autoDelete: false);
                await channel.ExchangeDeclareAsync("preview-read", ExchangeType.Fanout, durable: true);
                await channel.QueueBindAsync("preview-read", "preview-read", "");
                await channel.ExchangeDeclareAsync(PreviewReadExchange, ExchangeType.Fanout, durable: true);
                await channel.ExchangeBindAsync("preview-read", PreviewReadExchange, "");
                await channel.BasicPublishAsync("preview-read", "", mandatory: true, Persistent(), Envelope("RescueAdSync.Contracts.Previews:PreviewRead",
                    $$"""{"previewId":"{{preview}}","correlationId":"{{Guid.NewGuid()}}"}"""));
            });

        // The waiting change moved into the quorum wait queue, under its user's routing key, still waiting its delay.
        var retry = await stack.GetQueueAsync("user-changed-retry-300s");
        Assert.Equal("quorum", retry.GetProperty("type").GetString());
        Assert.Equal("at-least-once", retry.GetProperty("arguments").GetProperty("x-dead-letter-strategy").GetString());
        await stack.EventuallyAsync(async () => await stack.GetQueueCountAsync("user-changed-retry-300s") == 1, "the waiting change in user-changed-retry-300s");
        Assert.Equal(["user-changed-retry-300s"], await stack.GetBindingDestinationsAsync("user-changed-wait-300s"));
        // The waiting preview request was moved to the new endpoint and handled there (the preview is unknown: nothing to plan).
        await stack.EventuallyAsync(() => Task.FromResult(stack.Provisioners[0].Output.Contains($"Preview {preview} is gone", StringComparison.Ordinal)),
            "the moved preview request handled");
        Assert.Equal(["preview-requests"], await stack.GetBindingDestinationsAsync(PreviewReadExchange));

        // No classic queue is left behind: every durable queue is a quorum queue, on every node of a cluster.
        var queues = await stack.GetQueuesAsync();
        Assert.DoesNotContain(queues, q => q.Name is "user-changed-wait-300s" or "preview-read");
        Assert.All(queues.Where(q => q.Durable), q => Assert.Equal((q.Name, "quorum"), (q.Name, q.Type)));
        Assert.Contains("Retired the older installation's classic queue user-changed-wait-300s: 1 waiting message(s) moved", stack.Provisioners[0].Output);

        // Sent now, a change for a later retry lands in the quorum queue through the same exchange.
        await using var connection = await stack.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicPublishAsync("user-changed-wait-300s", waiting, mandatory: true, Persistent(), Envelope("RescueAdSync.Contracts:UserChanged", "{}"));
        await stack.EventuallyAsync(async () => await stack.GetQueueCountAsync("user-changed-retry-300s") == 2, "two changes in user-changed-retry-300s");
    }

    private const string PreviewReadExchange = "RescueAdSync.Contracts.Previews:PreviewRead";

    private static BasicProperties Persistent() =>
        new() { ContentType = "application/vnd.masstransit+json", DeliveryMode = DeliveryModes.Persistent, MessageId = Guid.NewGuid().ToString() };

    private static byte[] Envelope(string type, string message) => System.Text.Encoding.UTF8.GetBytes(
        $$"""{"messageId":"{{Guid.NewGuid()}}","messageType":["urn:message:{{type}}"],"message":{{message}}}""");
}
