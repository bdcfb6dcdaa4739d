using Prometheus;

namespace RescueAdSync.Provisioner.Rescue;

/// <summary>Prometheus metrics of the Rescue client. result is the Rescue code or HTTP_&lt;status&gt;/TRANSPORT/TIMEOUT/MALFORMED_RESPONSE.</summary>
public static class RescueMetrics
{
    public static readonly Counter Requests = Metrics.CreateCounter(
        "adsync_rescue_requests_total", "Rescue API calls by method and result code.", "method", "result");

    public static readonly Histogram Duration = Metrics.CreateHistogram(
        "adsync_rescue_request_duration_seconds", "Duration of Rescue API calls, by method and result code.",
        new HistogramConfiguration { LabelNames = ["method", "result"], Buckets = Histogram.ExponentialBuckets(0.01, 2, 12) });
}
