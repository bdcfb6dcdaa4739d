using System.Text.Json;
using RabbitMQ.Client;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// A publish the broker refused must not keep being refused once the cause is gone. On RabbitMQ 3.10, a channel's first
/// publish to a quorum queue goes through the member that led the queue when the channel first used it; while that node is
/// down, every later publish of the channel to that queue is refused too, even after another member took over. The reader
/// therefore reconnects to the broker after a refused publish.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class RefusedPublishTests(SlapdFixture slapd, RabbitMqClusterFixture rabbit) : IClassFixture<RabbitMqClusterFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Changes_refused_while_their_queue_had_no_quorum_are_published_once_it_has_a_leader_though_the_old_leader_stays_down()
    {
        var cluster = rabbit.Cluster;
        var ou = $"ou=q{Guid.NewGuid():N},{slapd.Server.BaseDn}";
        var group = $"cn=techs,{ou}";
        using (var admin = new LdapAdmin(slapd.Server.Url, slapd.Server.AdminDn, slapd.Server.AdminPassword))
        {
            admin.Add(ou, ("objectClass", ["organizationalUnit"]));
            foreach (var name in new[] { "ada", "grace" })
            {
                admin.Add($"uid={name},{ou}", ("objectClass", ["inetOrgPerson"]), ("uid", [name]), ("cn", [$"Eve {name}"]), ("sn", [name]),
                    ("mail", [$"{name}@example.org"]));
            }
            admin.Add(group, ("objectClass", ["groupOfNames"]), ("cn", ["techs"]), ("member", [$"uid=ada,{ou}", $"uid=grace,{ou}"]));
        }
        var vhost = $"refused-{Guid.NewGuid():N}";
        await cluster.CreateVirtualHostAsync(vhost);
        // Declared through node 3, so node 3 leads it (RabbitMQ puts a new quorum queue's leader on the declaring client's node).
        const string queue = "refused-capture";
        await DeclareCaptureQueueAsync(cluster.AmqpPort(3), vhost, queue);
        Assert.Equal(cluster.NodeName(3), (await cluster.GetQuorumQueuesAsync(vhost)).Single(q => q.Name == queue).Leader);

        // The reader talks to node 1 only, which stays up throughout. No mapping yet: it publishes nothing before the kill.
        var mappingId = Guid.NewGuid();
        var config = new FakeConfigApi(new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Server.Url], slapd.Server.AdminDn,
            slapd.Server.AdminPassword, slapd.Server.BaseDn, PollIntervalSeconds: 1));
        await using var reader = await ReaderHost.StartAsync(config, rabbit.Broker,
            new Dictionary<string, string?> { ["RabbitMq:VirtualHost"] = vhost, ["Reader:ChangeNotifications"] = "false" });
        await reader.PollsAsync(2);

        var down = new SortedSet<int>();
        try
        {
            // Node 2 dies, then node 3: the queue keeps its leader until node 3 goes, and node 1 alone is no quorum, so no
            // other member takes over. Every publish to the queue is refused.
            foreach (var node in new[] { 2, 3 })
            {
                down.Add(node);
                await cluster.KillNodeAsync(node);
            }
            config.Mappings = [new Mapping(mappingId, group, 7, false, true, DateTimeOffset.UtcNow)];
            await AwaitAsync(() => config.SyncLog.Any(e => e.Level == SyncLogLevel.Error && e.Message.Contains("the broker refused it", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(90), "the sync log to say the broker refused the reader's publish to a queue without quorum");

            // Node 2 back: nodes 1 and 2 elect a new leader. Node 3, the old leader, stays down.
            await cluster.StartNodeAsync(2, running: 2);
            down.Remove(2);
            await AwaitAsync(async () => (await cluster.GetQuorumQueuesAsync(vhost)).Single(q => q.Name == queue).Leader is var leader
                && (leader == cluster.NodeName(1) || leader == cluster.NodeName(2)), TimeSpan.FromSeconds(60), "a new leader on node 1 or 2");

            var published = await TakeAsync(cluster.AmqpPort(1), vhost, queue, 2, TimeSpan.FromSeconds(90));
            // At least once: a publish whose confirm was lost may come twice, never not at all.
            Assert.Equal(["ada@example.org", "grace@example.org"], published.Select(m => m.Email).Distinct().Order());
            Assert.All(published, m => Assert.Equal(mappingId, m.MappingId));
            // Published once each: later polls add nothing.
            await reader.PollsAsync(2);
            Assert.Empty(await TakeAsync(cluster.AmqpPort(1), vhost, queue, 0, TimeSpan.Zero));
        }
        finally
        {
            foreach (var node in down.ToList())
            {
                down.Remove(node);
                await cluster.StartNodeAsync(node, running: cluster.Count - down.Count);
            }
        }
    }

    private static ConnectionFactory Factory(int port, string vhost) => new()
    {
        HostName = "127.0.0.1",
        Port = port,
        VirtualHost = vhost,
        UserName = "guest",
        Password = "guest",
    };

    private static async Task DeclareCaptureQueueAsync(int port, string vhost, string queue)
    {
        await using var connection = await Factory(port, vhost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(UserChangedCapture.Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await channel.QueueBindAsync(queue, UserChangedCapture.Exchange, "");
    }

    /// <summary>
    /// Takes messages off the queue until <paramref name="count"/> came or <paramref name="timeout"/> passed, then whatever
    /// else is there: every message the queue held.
    /// </summary>
    private static async Task<List<UserChanged>> TakeAsync(int port, string vhost, string queue, int count, TimeSpan timeout)
    {
        await using var connection = await Factory(port, vhost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var taken = new List<UserChanged>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var delivery = await channel.BasicGetAsync(queue, autoAck: true);
            if (delivery is not null)
            {
                using var document = JsonDocument.Parse(delivery.Body);
                taken.Add(document.RootElement.GetProperty("message").Deserialize<UserChanged>(Json)!);
                continue;
            }
            if (taken.Count >= count)
            {
                return taken;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Expected {count} UserChanged in {queue}, got {taken.Count}");
            await Task.Delay(200);
        }
    }

    private static async Task AwaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(200);
        }
    }

    private static Task AwaitAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        AwaitAsync(() => Task.FromResult(condition()), timeout, what);
}
