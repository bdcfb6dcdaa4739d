using Prometheus;

namespace RescueAdSync.Provisioner.Sync;

public static class ProvisionerMetrics
{
    public static readonly Counter Operations = Metrics.CreateCounter(
        "adsync_provisioner_operations_total",
        "UserChanged messages handled, by result (created, updated, unchanged, stale, skipped, failed).",
        "result");

    public static readonly Histogram SyncLag = Metrics.CreateHistogram(
        "adsync_sync_lag_seconds",
        "Time from the reader observing a directory change to the provisioner applying it in Rescue.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 14) });

    public static readonly Counter DelayedRedeliveries = Metrics.CreateCounter(
        "adsync_provisioner_delayed_redeliveries_total",
        "Changes that still failed after the immediate retries and were parked in a wait queue for a later attempt.");

    public static readonly Gauge RescueAuthFailing = Metrics.CreateGauge(
        "adsync_rescue_auth_failing",
        "1 while Rescue refuses the service token and every Rescue call is paused; 0 otherwise.");

    public static readonly Gauge MessagesInFlight = Metrics.CreateGauge(
        "adsync_provisioner_messages_in_flight",
        "UserChanged messages this instance is applying now (at most Provisioner__ConcurrentMessageLimit).");

    public static readonly Histogram MessageDuration = Metrics.CreateHistogram(
        "adsync_provisioner_message_duration_seconds",
        "Time to apply one UserChanged, immediate retries included (Rescue calls, link reads and writes).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
}
