using System.ComponentModel.DataAnnotations;

namespace RescueAdSync.Provisioner.Configuration;

/// <summary>Provisioner-local settings (section "Provisioner").</summary>
public sealed class ProvisionerOptions
{
    public const string Section = "Provisioner";

    /// <summary>How long mappings and Rescue credentials are reused before asking the config service again.</summary>
    [Range(1, 3600)] public int ConfigRefreshSeconds { get; set; } = 5;

    /// <summary>Messages processed at once by one instance.</summary>
    [Range(1, 256)] public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>How long a Technician Group's member list (getHierarchy_v2) is reused to tell moved technicians apart.</summary>
    [Range(0, 3600)] public int HierarchyCacheSeconds { get; set; } = 5;

    /// <summary>
    /// Partition queues (user-changed-p0…) that users are spread over by the consistent-hash exchange; the instances
    /// share them. The same on every instance; at least the largest number of instances you run. 48 divides evenly among
    /// 1, 2, 3, 4, 6, 8, 12, 16 and 24 instances: with 16, three instances owned 6/5/5 and the one with 6 ran on alone
    /// at the end of an initial sync (docs/performance.md).
    /// </summary>
    [Range(1, 256)] public int Partitions { get; set; } = 48;

    /// <summary>How often each instance announces itself to the others (partition sharing).</summary>
    [Range(1, 60)] public int HeartbeatSeconds { get; set; } = 2;

    /// <summary>After how long without a heartbeat an instance counts as gone and its partitions are taken over.</summary>
    [Range(2, 600)] public int MemberTimeoutSeconds { get; set; } = 8;

    /// <summary>Immediate retries of a failing change (exponential backoff with jitter, 200 ms up to 30 s) before delayed redelivery.</summary>
    [Range(0, 20)] public int ImmediateRetries { get; set; } = 8;

    /// <summary>
    /// The waits, in seconds, of delayed redelivery: a change that still fails after the immediate retries waits this long
    /// in a wait queue, once per entry; after the last, it goes to the error queue.
    /// </summary>
    [MinLength(0), MaxLength(10)] public int[] RedeliveryDelaysSeconds { get; set; } = [15, 60, 240, 960];

    /// <summary>While Rescue refuses the token, how often the config service is asked whether it was replaced.</summary>
    [Range(1, 3600)] public int AuthRecheckSeconds { get; set; } = 5;
}
