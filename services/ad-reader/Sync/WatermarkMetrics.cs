using System.Collections.Concurrent;
using Prometheus;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// How long ago each mapping last completed a cycle (read, diff, every publish confirmed, state saved): the age of its
/// watermark. Computed at scrape time, so a hung cycle shows a growing age instead of a frozen value.
/// </summary>
public static class WatermarkMetrics
{
    private static readonly ConcurrentDictionary<string, DateTimeOffset> LastSuccess = new(StringComparer.Ordinal);

    private static readonly Gauge Age = Metrics.CreateGauge(
        "adsync_reader_watermark_age_seconds",
        "Seconds since the mapping's last successful cycle (its stored high-water mark was confirmed current).", "mapping");

    private static readonly Gauge LastSuccessTimestamp = Metrics.CreateGauge(
        "adsync_reader_last_success_timestamp_seconds",
        "Unix time of the mapping's last successful cycle.", "mapping");

    static WatermarkMetrics() => Metrics.DefaultRegistry.AddBeforeCollectCallback(Refresh);

    /// <summary>Called after a mapping's cycle ended without error (also when nothing had changed).</summary>
    public static void Succeeded(string mapping, DateTimeOffset at)
    {
        LastSuccess[mapping] = at;
        LastSuccessTimestamp.WithLabels(mapping).Set(at.ToUnixTimeMilliseconds() / 1000.0);
        Age.WithLabels(mapping).Set(0);
    }

    private static void Refresh()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (mapping, at) in LastSuccess)
        {
            Age.WithLabels(mapping).Set(Math.Max(0, (now - at).TotalSeconds));
        }
    }
}
