using System.Globalization;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;
using RescueAdSync.IntegrationTests.Reader;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Monitoring;

/// <summary>
/// The real Prometheus binary scrapes the running services (real slapd, RabbitMQ, emulator, config, provisioner,
/// ad-reader processes) with the repository's alert rules loaded, and its HTTP API shows every target up and the
/// metrics the alerts and dashboard use, with values that follow the directory changes the test makes.
/// </summary>
[Collection(SlapdCollection.Name)]
public sealed class PrometheusScrapeTests(SlapdFixture slapd, RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Prometheus_scrapes_every_service_and_sees_a_directory_change_in_the_sync_metrics()
    {
        var server = slapd.Server;
        var ou = $"ou=mon{_id},{server.BaseDn}";
        var alice = $"uid=alice{_id},{ou}";
        var keeper = $"uid=keeper{_id},{ou}";
        var group = $"cn=techs{_id},{ou}";
        using var ldap = new LdapAdmin(server.Url, server.AdminDn, server.AdminPassword);
        ldap.Add(ou, ("objectClass", ["organizationalUnit"]));
        ldap.Add(keeper, Person("Keeper", "Kept", $"keeper{_id}@example.org"));
        ldap.Add(group, ("objectClass", ["groupOfNames"]), ("member", [keeper]));

        var directory = new DirectoryConnectionSettings(DirectoryKind.OpenLdap, [server.Url], server.AdminDn,
            server.AdminPassword, server.BaseDn, PollIntervalSeconds: 1);
        await using var stack = await SyncStack.StartAsync(rabbit.Broker, directory, group, "mon");
        await using var prometheus = await PrometheusServer.StartAsync(stack.ScrapeJobs(),
            [Path.Combine(RepoPaths.Root, "deploy", "prometheus", "alerts.yml")]);
        var mapping = stack.MappingId.ToString();
        string Diagnostics() => $"\n===== prometheus\n{prometheus.Output}\n{stack.Output}";

        // Every service answers its scrape.
        var up = await WaitForAsync(prometheus, "up", series => series.Count == 4 && series.All(s => s.Value == 1), Diagnostics);
        Assert.Equal(["ad-reader", "config", "provisioner", "rescue-emulator"], up.Select(s => s.Labels["job"]).Order());

        // The repository's alert rules load into the real binary and evaluate without errors.
        var rules = await prometheus.GetDataAsync("/api/v1/rules");
        var groups = rules.GetProperty("groups").EnumerateArray().ToList();
        Assert.NotEmpty(groups);
        foreach (var rule in groups.SelectMany(g => g.GetProperty("rules").EnumerateArray()))
        {
            Assert.True(rule.GetProperty("health").GetString() is "ok" or "unknown",
                $"rule {rule.GetProperty("name")} is unhealthy: {rule}");
        }

        // A user joins the mapped group: two technicians (keeper and alice) are created.
        ldap.Add(alice, Person("Alice", "Anders", $"alice{_id}@example.org"));
        ldap.AddValue(group, "member", alice);
        await stack.WaitForTechnicianAsync(t => t.Email == $"alice{_id}@example.org", "for alice");

        await WaitForValueAsync(prometheus, $"sum(adsync_reader_changes_detected_total{{mapping=\"{mapping}\",state=\"Enabled\"}})", v => v == 2, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_reader_messages_published_total)", v => v == 2, Diagnostics);
        await WaitForValueAsync(prometheus, $"sum(adsync_reader_cycle_duration_seconds_count{{mapping=\"{mapping}\"}})", v => v >= 2, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_reader_poll_duration_seconds_count)", v => v >= 2, Diagnostics);
        await WaitForValueAsync(prometheus, $"max(adsync_reader_watermark_age_seconds{{mapping=\"{mapping}\"}})", v => v is >= 0 and < 60, Diagnostics);
        await WaitForValueAsync(prometheus, $"max(time() - adsync_reader_last_success_timestamp_seconds{{mapping=\"{mapping}\"}})", v => v < 60, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_provisioner_operations_total{result=\"created\"})", v => v == 2, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_rescue_requests_total{method=\"createUser\",result=\"OK\"})", v => v == 2, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_rescue_request_duration_seconds_count{method=\"createUser\",result=\"OK\"})", v => v == 2, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_sync_lag_seconds_count)", v => v >= 2, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_technicians{state=\"enabled\"})", v => v == 2, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_technicians{state=\"disabled\"})", v => v == 0, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_error_queue_depth{queue=\"user-changed_error\"})", v => v == 0, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_rescue_auth_failing)", v => v == 0, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(http_requests_received_total{job=\"config\"})", v => v > 0, Diagnostics);
        // Of the .NET meters only the runtime's is republished, by every service; the per-request ones (ASP.NET Core,
        // Kestrel, HttpClient, MassTransit, …) cost CPU on every call and message and are not exported.
        await WaitForAsync(prometheus, "count by (job) ({__name__=~\"system_runtime_.+\"})", series => series.Count == 4, Diagnostics);

        // Alice leaves the group: the reader detects it, the provisioner disables her technician, the gauge follows.
        ldap.RemoveValue(group, "member", alice);
        await stack.WaitForTechnicianAsync(t => t.Email == $"alice{_id}@example.org" && t.Status == "Disabled", "alice disabled");
        await WaitForValueAsync(prometheus, $"sum(adsync_reader_changes_detected_total{{mapping=\"{mapping}\",state=\"OutOfScope\"}})", v => v == 1, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_provisioner_operations_total{result=\"updated\"})", v => v == 1, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_technicians{state=\"enabled\"})", v => v == 1, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_technicians{state=\"disabled\"})", v => v == 1, Diagnostics);
        // Nothing failed along the way.
        await WaitForValueAsync(prometheus, "sum(adsync_reader_cycle_errors_total) or vector(0)", v => v == 0, Diagnostics);
        await WaitForValueAsync(prometheus, "sum(adsync_provisioner_operations_total{result=\"failed\"}) or vector(0)", v => v == 0, Diagnostics);

        // A message the provisioner cannot read goes to the error queue: the depth gauge shows it.
        await stack.PublishRawAsync("{ this is not json");
        await WaitForValueAsync(prometheus, "sum(adsync_error_queue_depth{queue=\"user-changed_error\"})", v => v == 1, Diagnostics);

        // Checked last, when every service has run long enough for event counters to report: no other .NET meter or event
        // source is exported (by default prometheus-net adds Kestrel's, ASP.NET Core's and System.Net's some seconds in).
        await WaitForAsync(prometheus, "count by (job, __name__) ({__name__=~\"(microsoft|system_net|masstransit|private)_.+\"})", series => series.Count == 0, Diagnostics);
    }

    private static async Task WaitForValueAsync(PrometheusServer prometheus, string promql, Func<double, bool> expected, Func<string> diagnostics) =>
        await WaitForAsync(prometheus, promql, series => series.Count == 1 && expected(series[0].Value), diagnostics);

    /// <summary>Polls the query until the condition holds (scrapes run every second; the technicians gauge every 15 s).</summary>
    private static async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> WaitForAsync(
        PrometheusServer prometheus, string promql, Func<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>, bool> condition,
        Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + Patience;
        IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> last = [];
        while (DateTime.UtcNow < deadline)
        {
            last = await prometheus.QueryAsync(promql);
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(500);
        }
        var seen = string.Join("; ", last.Select(s => $"{{{string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value.ToString(CultureInfo.InvariantCulture)}"));
        throw new TimeoutException($"Prometheus query {promql} did not reach the expected value within {Patience.TotalSeconds:0} s; last result: [{seen}]{diagnostics()}");
    }

    private static (string, string[])[] Person(string given, string surname, string mail) =>
    [
        ("objectClass", ["inetOrgPerson"]),
        ("cn", [$"{given} {surname}"]),
        ("givenName", [given]),
        ("sn", [surname]),
        ("displayName", [$"{given} {surname}"]),
        ("mail", [mail]),
    ];
}
