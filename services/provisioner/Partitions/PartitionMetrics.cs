using Prometheus;

namespace RescueAdSync.Provisioner.Partitions;

public static class PartitionMetrics
{
    public static readonly Gauge Owned = Metrics.CreateGauge(
        "adsync_provisioner_partitions_owned", "user-changed partition queues this instance consumes.");

    public static readonly Gauge Instances = Metrics.CreateGauge(
        "adsync_provisioner_instances", "Provisioner instances this instance hears heartbeats from, itself included.");
}
