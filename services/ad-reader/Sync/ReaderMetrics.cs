using Prometheus;

namespace RescueAdSync.AdReader.Sync;

/// <summary>The reader's Prometheus metrics. The mapping label is the mapping id: bounded, and never a DN with personal data.</summary>
public static class ReaderMetrics
{
    public static readonly Counter ChangesDetected = Metrics.CreateCounter(
        "adsync_reader_changes_detected_total", "User state changes detected, by mapping and published state.", "mapping", "state");

    public static readonly Histogram CycleDuration = Metrics.CreateHistogram(
        "adsync_reader_cycle_duration_seconds", "Duration of one mapping's read-compare-publish cycle.",
        new HistogramConfiguration { LabelNames = ["mapping"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });

    /// <summary>
    /// One whole poll: configuration refresh, bind, high-water-mark read and every mapping, the span over which the
    /// benchmark counts a poll's LDAP operations. From 1 ms: an idle poll is a few milliseconds, a first read of a large
    /// directory tens of seconds.
    /// </summary>
    public static readonly Histogram PollDuration = Metrics.CreateHistogram(
        "adsync_reader_poll_duration_seconds", "Duration of one whole reader poll: configuration refresh, bind, high-water-mark read and every mapping's cycle.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 17) });

    public static readonly Counter MessagesPublished = Metrics.CreateCounter(
        "adsync_reader_messages_published_total", "UserChanged messages confirmed by the broker.");

    public static readonly Counter CycleErrors = Metrics.CreateCounter(
        "adsync_reader_cycle_errors_total", "Mapping cycles stopped by an error (nothing published for them).", "mapping");

    public static readonly Gauge Leader = Metrics.CreateGauge(
        "adsync_reader_leader", "1 while this replica holds the leader lease and reads; 0 while it follows.");
}
