using System.Diagnostics;
using System.Net;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;
using RescueAdSync.TestInfrastructure;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Reliability;

/// <summary>
/// Two config-service replicas on one PostgreSQL behind one address (a round-robin balancer), the reader and the
/// provisioner knowing only that address: one replica SIGKILLed while directory changes stream in. The balancer sends new
/// connections to the replica still alive, so the services see a dropped connection at most, never an outage.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class ConfigReplicaTests(SlapdFixture slapd, RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task One_of_two_config_replicas_killed_mid_stream_the_other_serves_and_nothing_is_lost_duplicated_or_deleted()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var stream = await DirectoryChangeStream.StartAsync(slapd.Server, rabbit.Broker, "rel-config-replica",
            new Dictionary<string, string?>
            {
                ["Database__Provider"] = "PostgreSql",
                ["ConnectionStrings__Config"] = postgres.ConnectionString,
            },
            configReplicas: 2);
        var stack = stream.Stack;
        var balancer = stack.ConfigBalancer!;
        var replicas = stack.Replicas("config");
        Assert.Equal(2, replicas.Count);
        // Two readers: their leader lease is kept by whichever replica each renewal reaches.
        await stack.StartReplicaAsync("ad-reader");
        var readers = stack.Replicas("ad-reader");
        await ScaleOutFaultTests.OnlyLeaderAsync(stack, readers);
        // Both replicas served the stack before the fault (else this would be a one-replica test).
        Assert.True(balancer.ConnectionsTo(0) > 0 && balancer.ConnectionsTo(1) > 0, balancer.ToString());

        var victim = replicas[0];
        var servedBySurvivor = 0;
        var failovers = 0;
        var timings = await stream.RunAsync(async () =>
        {
            var failoversBefore = balancer.Failovers;
            var survivorBefore = balancer.ConnectionsTo(1);
            victim.Kill();

            // Right after the kill, the one address answers every request, each on a new connection: no outage.
            using (var http = new HttpClient { BaseAddress = new Uri(balancer.Url), Timeout = TimeSpan.FromSeconds(30) })
            {
                http.DefaultRequestHeaders.ConnectionClose = true;
                for (var i = 0; i < 6; i++)
                {
                    Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
                }
            }

            // The reader and the provisioner reconnect by themselves and reach the survivor; the dead replica stays dead
            // for the rest of the stream and until the emulator has converged.
            await stack.EventuallyAsync(() => Task.FromResult(balancer.Failovers > failoversBefore && balancer.ConnectionsTo(1) > survivorBefore + 6),
                "connections refused by the killed replica and sent to the survivor", TimeSpan.FromSeconds(60));
            await Task.Delay(FaultToleranceTests.CrashPause);
            servedBySurvivor = balancer.ConnectionsTo(1) - survivorBefore;
            failovers = balancer.Failovers - failoversBefore;
        });
        Assert.Null(victim.ProcessId);
        Assert.Equal(0, balancer.Unrouted);
        output.WriteLine($"Two config replicas on PostgreSQL, one SIGKILLed: {timings}; after the kill {servedBySurvivor} connections " +
            $"to the survivor, {failovers} refused by the dead replica and sent on; {balancer}");

        // Back: it serves again from the shared database, and the readers still have exactly one leader.
        await victim.StartAgainAsync();
        // (The services keep their open connections to the survivor; new connections are shared again.)
        var before = balancer.ConnectionsTo(0);
        using (var http = new HttpClient { BaseAddress = new Uri(balancer.Url), Timeout = TimeSpan.FromSeconds(30) })
        {
            http.DefaultRequestHeaders.ConnectionClose = true;
            http.DefaultRequestHeaders.Authorization = stack.ConfigAdmin.DefaultRequestHeaders.Authorization;
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/mappings")).StatusCode);
            }
        }
        Assert.True(balancer.ConnectionsTo(0) > before, balancer.ToString());
        var leader = await ScaleOutFaultTests.OnlyLeaderAsync(stack, readers);
        output.WriteLine($"Leader at the end: {leader.Name}");
        await stream.AssertMatchesDirectoryAsync();
    }

    /// <summary>Users of the initial-sync case: enough that the sync is still running when the replica is killed.</summary>
    public const int InitialSyncUsers = 300;

    [Fact]
    public async Task One_of_two_config_replicas_killed_during_an_initial_sync_of_300_users_each_gets_exactly_one_technician()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        var ou = $"ou=bulk{id},{slapd.Server.BaseDn}";
        var group = $"cn=techs{id},{ou}";
        using (var ldap = new LdapAdmin(slapd.Server.Url, slapd.Server.AdminDn, slapd.Server.AdminPassword))
        {
            ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
            var members = new List<string>();
            for (var i = 0; i < InitialSyncUsers; i++)
            {
                var dn = $"uid=u{i},{ou}";
                ldap.Add(dn, ("objectClass", ["inetOrgPerson"]), ("cn", [$"u{i} {id}"]), ("sn", [id]),
                    ("displayName", [$"User {i} {id}"]), ("mail", [$"u{i}.{id}@example.org"]));
                members.Add(dn);
            }
            ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [.. members]));
        }

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [slapd.Server.Url], slapd.Server.AdminDn,
            slapd.Server.AdminPassword, ou, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "rel-config-replica-bulk",
            new Dictionary<string, string?>
            {
                ["Database__Provider"] = "PostgreSql",
                ["ConnectionStrings__Config"] = postgres.ConnectionString,
            },
            configReplicas: 2);
        var balancer = stack.ConfigBalancer!;
        var victim = stack.Replicas("config")[0];
        var total = Stopwatch.StartNew();

        // The initial sync is under way (the reader starts it at once): kill a replica once a tenth of the users are there.
        await stack.EventuallyAsync(async () => (await stack.Emulator.GetTechniciansAsync()).Count >= InitialSyncUsers / 10,
            "the initial sync to be under way", TimeSpan.FromSeconds(120));
        var failoversBefore = balancer.Failovers;
        victim.Kill();
        var atKill = (await stack.Emulator.GetTechniciansAsync()).Count;
        Assert.True(atKill < InitialSyncUsers, $"the initial sync was over ({atKill} technicians) before the kill: nothing was tested");
        var afterKill = Stopwatch.StartNew();

        IReadOnlyList<EmulatedTechnician> technicians = [];
        await stack.EventuallyAsync(async () =>
        {
            technicians = await stack.Emulator.GetTechniciansAsync();
            return technicians.Count(t => t.Status == "Enabled") >= InitialSyncUsers;
        }, $"{InitialSyncUsers} enabled technicians with one config replica dead", TimeSpan.FromSeconds(300));
        afterKill.Stop();
        // A late duplicate or a stale change would show before Rescue goes quiet.
        await stack.WaitForRescueQuietAsync(DirectoryChangeStream.QuietPeriod, "after the initial sync with one replica dead");
        technicians = await stack.Emulator.GetTechniciansAsync();

        var duplicates = technicians.GroupBy(t => t.Email).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"duplicate technicians: {string.Join(", ", duplicates)}");
        Assert.DoesNotContain(technicians, t => t.Deleted);
        Assert.DoesNotContain(await stack.Emulator.GetCalledMethodsAsync(), m => m.Equals("deleteNode", StringComparison.OrdinalIgnoreCase));
        var expected = Enumerable.Range(0, InitialSyncUsers).Select(i => (Name: $"User {i} {id}", Email: $"u{i}.{id}@example.org")).ToHashSet();
        var actual = technicians.Select(t => (t.Name, t.Email)).ToHashSet();
        Assert.True(expected.SetEquals(actual), $"missing: {string.Join("; ", expected.Except(actual).Take(10))}; unexpected: {string.Join("; ", actual.Except(expected).Take(10))}");
        Assert.All(technicians, t => Assert.Equal(("Enabled", stack.TechnicianGroupId), (t.Status, t.ParentId)));
        Assert.True(balancer.Failovers > failoversBefore, $"no connection was refused by the killed replica: {balancer}");
        Assert.Equal(0, balancer.Unrouted);
        output.WriteLine($"Initial sync of {InitialSyncUsers} users, one of two config replicas SIGKILLed at {atKill} technicians: " +
            $"all {InitialSyncUsers} there {afterKill.Elapsed.TotalSeconds:0.0} s after the kill, {total.Elapsed.TotalSeconds:0.0} s after the stack was up; {balancer}");
    }
}
