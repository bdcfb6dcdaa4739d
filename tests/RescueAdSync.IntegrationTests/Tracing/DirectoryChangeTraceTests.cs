using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;
using Xunit.Abstractions;

namespace RescueAdSync.IntegrationTests.Tracing;

/// <summary>
/// Tracing through the whole system as real processes, turned on the way an operator does it (OTEL_EXPORTER_OTLP_ENDPOINT
/// on every service) and exported over OTLP to a collector the test runs: one directory change in slapd is one trace
/// from the reader's cycle through RabbitMQ, the provisioner, the Rescue call and the config service, and the history
/// entry of the change records that trace's id.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class DirectoryChangeTraceTests(SlapdFixture slapd, RabbitMqFixture rabbit, ITestOutputHelper output) : IClassFixture<RabbitMqFixture>
{
    private const int Server = 2, Client = 3, Producer = 4, Consumer = 5;
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task One_directory_change_is_one_trace_across_reader_provisioner_and_config_and_its_history_entry_carries_the_trace_id()
    {
        var server = slapd.Server;
        var ou = $"ou=trace{_id},{server.BaseDn}";
        var keeper = $"uid=keeper{_id},{ou}";
        var alice = $"uid=alice{_id},{ou}";
        var group = $"cn=techs{_id},{ou}";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        ldap.Add(keeper, Person("Keeper", "Kept", $"keeper{_id}@example.org"));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [keeper]));

        await using var collector = await OtlpTraceCollector.StartAsync();
        var tracing = collector.ServiceEnvironment();
        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn,
            server.AdminPassword, server.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "trace",
            configEnvironment: tracing, provisionerEnvironment: tracing, readerEnvironment: tracing);

        ldap.Add(alice, Person("Alice", "Anders", $"alice{_id}@example.org"));
        ldap.AddValue(group, "member", alice);
        await stack.WaitForTechnicianAsync(t => t.Email == $"alice{_id}@example.org", "for alice");

        // The provisioner's record of the change: alice's history entry, stored with her link write.
        HistoryEntry? created = null;
        await stack.EventuallyAsync(async () =>
        {
            var history = await stack.ConfigAdmin.GetFromJsonAsync<HistoryEntry[]>($"/api/history?user={Uri.EscapeDataString($"alice{_id}@")}");
            created = history!.FirstOrDefault(h => h.Action == HistoryAction.Created);
            return created is not null;
        }, "alice's history entry");
        var traceId = created!.TraceId;
        Assert.Matches("^[0-9a-f]{32}$", traceId);

        // Every hop of that change, exported by the three services themselves, under that one trace id.
        bool Has(IReadOnlyList<ExportedSpan> spans, Func<ExportedSpan, bool> match) => spans.Any(s => s.TraceId == traceId && match(s));
        var userId = created.DirectoryUserId;
        var spans = await collector.WaitForAsync(all =>
            Has(all, s => s is { Service: "ad-reader", Scope: "RescueAdSync", Name: "reader cycle" })
            && Has(all, s => s is { Service: "ad-reader", Scope: "RescueAdSync", Name: "publish UserChanged" } && s.Attribute("adsync.directory_user_id") == userId)
            && Has(all, s => s is { Service: "ad-reader", Scope: "MassTransit", Kind: Producer })
            && Has(all, s => s is { Service: "provisioner", Scope: "MassTransit", Kind: Consumer })
            && Has(all, s => s is { Service: "provisioner", Scope: "RescueAdSync", Name: "provision UserChanged" } && s.Attribute("adsync.directory_user_id") == userId)
            && Has(all, s => s is { Service: "provisioner", Kind: Client } && s.Attribute("url.full")?.EndsWith("/API/createUser.aspx", StringComparison.Ordinal) == true)
            && Has(all, s => s is { Service: "provisioner", Kind: Client } && s.Attribute("url.full")?.EndsWith("/api/links/batch", StringComparison.Ordinal) == true)
            && Has(all, s => s is { Service: "config", Kind: Server } && s.Attribute("url.path") == "/api/links/batch"),
            $"the reader → provisioner → Rescue → config chain in trace {traceId}", TimeSpan.FromSeconds(60));

        // One tree, not merely one id: every span of the trace but its root has its parent among the trace's spans.
        var trace = spans.Where(s => s.TraceId == traceId).DistinctBy(s => s.SpanId).ToList();
        foreach (var span in trace)
        {
            output.WriteLine(span.ToString());
        }

        var root = Assert.Single(trace, s => s.ParentSpanId.Length == 0);
        Assert.Equal(("ad-reader", "reader cycle"), (root.Service, root.Name));
        Assert.All(trace.Where(s => s != root), s => Assert.Contains(trace, p => p.SpanId == s.ParentSpanId));

        // No secret of the setup reached any exported span.
        string[] secrets = ["Mah-Passw0rd!", SyncStack.DefaultPassword, server.AdminPassword];
        var leaked = spans.SelectMany(s => s.Attributes.Values.Append(s.Name))
            .Where(value => secrets.Any(secret => value.Contains(secret, StringComparison.Ordinal))).ToList();
        Assert.Empty(leaked);
    }

    private static (string, string[])[] Person(string given, string surname, string mail) =>
    [
        ("objectClass", ["inetOrgPerson"]),
        ("cn", [$"{given} {surname}"]),
        ("givenName", [given]),
        ("sn", [surname]),
        ("displayName", [$"{given} {surname}"]),
        ("mail", [mail]),
        ("uid", [$"{given.ToLowerInvariant()}"]),
    ];
}
