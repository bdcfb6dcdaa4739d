using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.EndToEnd;

// What a Prometheus scrapes in this stack.
public sealed partial class SyncStack
{
    private static readonly string[] Jobs = ["rescue-emulator", "config", "provisioner", "ad-reader"];

    /// <summary>One scrape job per kind of service (named as in deploy/prometheus/prometheus.yml), with every running instance.</summary>
    public IReadOnlyList<PrometheusServer.Job> ScrapeJobs() =>
    [
        .. Jobs
            .Select(job => new PrometheusServer.Job(job, [.. _processes.Where(p => JobOf(p.Name) == job).Select(p => p.Url)]))
            .Where(job => job.Targets.Count > 0),
    ];

    private static string? JobOf(string processName) =>
        Jobs.FirstOrDefault(job => processName.EndsWith($"-{job}", StringComparison.Ordinal)
            || processName.Contains($"-{job}-", StringComparison.Ordinal));
}
