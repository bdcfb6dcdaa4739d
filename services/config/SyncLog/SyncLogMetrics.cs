using Prometheus;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.SyncLog;

/// <summary>adsync_sync_log_entries_total{level,source}: alert on a rising error rate without reading the log.</summary>
public static class SyncLogMetrics
{
    /// <summary>Sources we label by name; anything else is "other", so a caller cannot blow up the series count.</summary>
    private static readonly HashSet<string> KnownSources = new(StringComparer.OrdinalIgnoreCase) { "ad-reader", "provisioner", "config", "admin", "cli" };

    private static readonly Counter Entries = Metrics.CreateCounter(
        "adsync_sync_log_entries_total",
        "Sync-log entries written, by level and source.",
        new CounterConfiguration { LabelNames = ["level", "source"] });

    public static void Count(SyncLogLevel level, string source) =>
        Entries.WithLabels(level.ToString().ToLowerInvariant(), KnownSources.Contains(source) ? source.ToLowerInvariant() : "other").Inc();
}
