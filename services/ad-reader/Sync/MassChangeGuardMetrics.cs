using Prometheus;

namespace RescueAdSync.AdReader.Sync;

/// <summary>The mass-change guard's metrics; the mapping label is the mapping id.</summary>
public static class MassChangeGuardMetrics
{
    public static readonly Gauge Holding = Metrics.CreateGauge(
        "adsync_reader_guard_holding", "1 while the mass-change guard holds this mapping's changes for an operator; 0 otherwise.", "mapping");

    public static readonly Counter Holds = Metrics.CreateCounter(
        "adsync_reader_guard_holds_total", "Cycles the mass-change guard held, by mapping.", "mapping");
}
