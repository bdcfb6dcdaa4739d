using RescueAdSync.Deployment.Tests.Infrastructure;

namespace RescueAdSync.Deployment.Tests;

/// <summary>The Prometheus configuration and alert rules pass promtool, and the alerts have unit tests.</summary>
public sealed class PrometheusTests
{
    [Fact]
    public void Prometheus_config_of_the_compose_stack_is_valid()
    {
        var result = Promtool.Run("check", "config", "prometheus.yml");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("1 rule files found", result.StandardOutput);
    }

    [Fact]
    public void Alert_rules_are_valid()
    {
        var result = Promtool.Run("check", "rules", "alerts.yml");
        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public void Alert_rule_unit_tests_pass()
    {
        var result = Promtool.Run("test", "rules", "alerts.test.yml");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("SUCCESS", result.StandardOutput);
    }

    [Fact]
    public void Every_alert_the_issue_asks_for_exists_and_has_a_unit_test()
    {
        var alerts = Yaml.Load(Repository.Read("deploy/prometheus/alerts.yml"))
            .Items("groups").SelectMany(g => g.Items("rules")).Select(r => r.Text("alert")).OfType<string>().ToList();
        Assert.Superset(
            new HashSet<string> { "AdReaderStalled", "SyncLagHigh", "RescueAuthenticationFailing", "ErrorQueueGrowing", "MassChangeGuardHolding" },
            alerts.ToHashSet());

        var tested = Yaml.Load(Repository.Read("deploy/prometheus/alerts.test.yml"))
            .Items("tests").SelectMany(t => t.Items("alert_rule_test"))
            .Where(t => t.Items("exp_alerts").Any())
            .Select(t => t.Text("alertname")).ToHashSet();
        Assert.All(alerts, a => Assert.Contains(a, tested));
    }

    [Fact]
    public void Alerts_and_dashboard_use_only_metrics_the_services_define_or_that_are_listed_as_pending()
    {
        var defined = ServiceMetrics.Defined();
        Assert.Contains("adsync_sync_lag_seconds", defined);

        var used = ServiceMetrics.ReferencedIn(Repository.Read("deploy/prometheus/alerts.yml"))
            .Union(ServiceMetrics.ReferencedIn(Repository.Read("deploy/compose/grafana/dashboards/rescue-adsync.json")));
        var unknown = used.Where(m => !defined.Contains(m) && !ServiceMetrics.Pending.Contains(m)).ToList();
        Assert.True(unknown.Count == 0, $"metrics neither defined in services/ nor listed as pending: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Compose_prometheus_scrapes_every_service_and_the_broker()
    {
        var config = Yaml.Load(Repository.Read("deploy/prometheus/prometheus.yml"));
        var jobs = config.Items("scrape_configs").ToDictionary(j => j.Text("job_name") ?? "", j => j);
        var compose = Compose.Resolved().At("services")!.Keys().ToHashSet();
        foreach (var service in new[] { "config", "ad-reader", "provisioner", "rescue-emulator" })
        {
            Assert.True(jobs.ContainsKey(service), $"no scrape job {service}");
            Assert.Equal($"{service}:8080", jobs[service].Items("static_configs").Single().Items("targets").Single().Text());
            Assert.Contains(service, compose);
        }

        Assert.Equal("/metrics/per-object", jobs["rabbitmq"].Text("metrics_path"));
    }
}
