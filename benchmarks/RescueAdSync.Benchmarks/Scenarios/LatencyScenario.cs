using System.DirectoryServices.Protocols;
using System.Diagnostics;
using System.Net;
using RescueAdSync.Benchmarks.Directories;
using RescueAdSync.Benchmarks.Results;
using RescueAdSync.Benchmarks.Stack;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Benchmarks.Scenarios;

/// <summary>
/// Scenario 3: one displayName change at a time, from the LDAP modify to the emulator showing the new technician
/// name, with every default (poll interval 2 s, one provisioner). Each change waits a random 0–2 s first, so the
/// changes land at every phase of the reader's poll cycle instead of all just after a cycle.
/// </summary>
public static class LatencyScenario
{
    public static async Task<List<BenchResult>> RunAsync(BenchContext context)
    {
        var ct = context.Cancellation;
        var users = context.Options.LatencyDirectorySize;
        var changes = context.Options.LatencyChanges;
        await using var directory = await OpenLdapDirectory.CreateAsync(users, ct);
        await using var broker = await BrokerAdmin.CreateAsync(context.Broker, "latency", withSink: false);
        await using var stack = await BenchStack.StartAsync(broker, "latency", serviceEnvironment: context.Options.ServiceEnvironment);
        await stack.ConfigureDirectoryAsync(new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [directory.Url], directory.AdminDn,
            OpenLdapDirectory.Password, OpenLdapDirectory.Suffix));
        await stack.CreateMappingAsync(directory.GroupDn);
        await stack.StartProvisionersAsync(1);
        await broker.WaitForBindingAsync("user-changed-partitions", TimeSpan.FromSeconds(60));
        await stack.StartReaderAsync();

        BenchContext.Log($"latency: waiting for the {users:N0} technicians to be created");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (PrometheusText.Sum(await BenchStack.GetMetricsAsync(stack.Provisioners[0], ct), "adsync_provisioner_operations_total", "result=\"created\"") < users)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not all technicians were created.\n{stack.Output}");
            }

            await Task.Delay(500, ct);
        }

        using var ldap = new LdapConnection(new LdapDirectoryIdentifier("127.0.0.1", directory.Port),
            new NetworkCredential(directory.AdminDn, OpenLdapDirectory.Password), AuthType.Basic);
        ldap.SessionOptions.ProtocolVersion = 3;
        ldap.Bind();
        var latencies = new List<double>(changes);
        var random = new Random(8);
        BenchContext.Log($"latency: {changes} changes, one at a time");
        for (var k = 1; k <= changes; k++)
        {
            var user = 1 + (k * 7919 % users);
            var name = FormattableString.Invariant($"Latency {k} {Guid.NewGuid():N}")[..24];
            await Task.Delay(random.Next(0, 2000), ct);
            var stopwatch = Stopwatch.StartNew();
            ldap.SendRequest(new ModifyRequest(OpenLdapDirectory.UserDn(user), DirectoryAttributeOperation.Replace, "displayName", name));
            while (true)
            {
                var technicians = await stack.Emulator.GetTechniciansAsync(ct);
                if (technicians.TryGetValue(OpenLdapDirectory.Email(user), out var t) && t.Name == name)
                {
                    break;
                }

                if (stopwatch.Elapsed > TimeSpan.FromSeconds(120))
                {
                    throw new TimeoutException($"Change {k} did not reach the emulator in 120 s.\n{stack.Output}");
                }

                await Task.Delay(25, ct);
            }
            latencies.Add(stopwatch.Elapsed.TotalSeconds);
        }

        var p50 = Percentiles.Of(latencies, 50);
        var p95 = Percentiles.Of(latencies, 95);
        var p99 = Percentiles.Of(latencies, 99);
        var note = $"{changes} changes, {users:N0} users, poll interval 2 s (default)";
        return
        [
            new BenchResult("3 latency", "LDAP modify → emulator shows it, p50", p50, "s", Target: "≤ 2 s", TargetMet: p50 <= 2, Notes: note),
            new BenchResult("3 latency", "p95", p95, "s"),
            new BenchResult("3 latency", "p99", p99, "s", Target: "≤ 5 s", TargetMet: p99 <= 5),
            new BenchResult("3 latency", "max", latencies.Max(), "s"),
        ];
    }
}
