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
    public void Every_required_alert_exists_and_has_a_unit_test_that_fires_it()
    {
        var alerts = Yaml.Load(Repository.Read("deploy/prometheus/alerts.yml"))
            .Items("groups").SelectMany(g => g.Items("rules")).Select(r => r.Text("alert")).OfType<string>().ToList();
        Assert.Superset(
            new HashSet<string> { "ConfigServiceDown", "AdReaderDown", "ProvisionerDown", "SyncLagUnknown", "AdReaderStalled", "SyncLagHigh", "RescueAuthenticationFailing", "ErrorQueueGrowing", "MassChangeGuardHolding" },
            alerts.ToHashSet());

        var tested = Yaml.Load(Repository.Read("deploy/prometheus/alerts.test.yml"))
            .Items("tests").SelectMany(t => t.Items("alert_rule_test"))
            .Where(t => t.Items("exp_alerts").Any())
            .Select(t => t.Text("alertname")).ToHashSet();
        Assert.All(alerts, a => Assert.Contains(a, tested));
    }

    [Theory]
    [InlineData("config", "ConfigServiceDown")]
    [InlineData("ad-reader", "AdReaderDown")]
    [InlineData("provisioner", "ProvisionerDown")]
    public void Each_service_has_a_down_alert_that_also_fires_when_its_target_is_gone(string job, string alert)
    {
        var rule = Yaml.Load(Repository.Read("deploy/prometheus/alerts.yml"))
            .Items("groups").SelectMany(g => g.Items("rules")).Single(r => r.Text("alert") == alert);
        var expr = rule.Text("expr")!;
        Assert.Contains($"up{{job=\"{job}\"}}", expr);
        Assert.Contains($"absent(up{{job=\"{job}\"}})", expr);
        Assert.Equal("critical", rule.Text("labels", "severity"));
    }

    [Fact]
    public void Every_job_the_alerts_name_is_a_scrape_job_of_compose_and_of_the_ServiceMonitors_of_each_overlay()
    {
        var jobs = System.Text.RegularExpressions.Regex.Matches(Repository.Read("deploy/prometheus/alerts.yml"), "job=\"([^\"]+)\"")
            .Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(new HashSet<string> { "config", "ad-reader", "provisioner" }, jobs);

        var compose = Yaml.Load(Repository.Read("deploy/prometheus/prometheus.yml"))
            .Items("scrape_configs").Select(j => j.Text("job_name") ?? "").ToHashSet();
        Assert.True(jobs.IsSubsetOf(compose), $"deploy/prometheus/prometheus.yml scrapes {string.Join(", ", compose)}");

        foreach (var overlay in new[] { "dev", "production" })
        {
            var resources = Overlays.Render(overlay);
            // The Prometheus Operator takes the job from the Service label named by jobLabel, else the Service name.
            var monitored = resources.Where(r => r.Kind == "ServiceMonitor").Select(monitor =>
            {
                var selector = monitor.Node.At("spec", "selector", "matchLabels").StringMap();
                var service = resources.Single(r => r.Kind == "Service" &&
                    selector.All(kv => r.Node.At("metadata", "labels").StringMap().GetValueOrDefault(kv.Key) == kv.Value));
                return monitor.Node.Text("spec", "jobLabel") is { } label ? service.Node.Text("metadata", "labels", label) ?? "" : service.Name;
            }).ToHashSet();
            Assert.True(jobs.IsSubsetOf(monitored), $"k8s/overlays/{overlay}: ServiceMonitor jobs {string.Join(", ", monitored)} miss one of {string.Join(", ", jobs)}");
        }
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
