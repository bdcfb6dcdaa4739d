using System.ComponentModel.DataAnnotations;

namespace RescueAdSync.AdReader.Leadership;

/// <summary>Section Reader:LeaderElection: exactly one replica per directory reads and publishes.</summary>
public sealed class LeaderElectionOptions
{
    /// <summary>False only where a single replica is guaranteed otherwise; then this process always reads.</summary>
    public bool Enabled { get; set; } = true;

    public LeaderElectionMode Mode { get; set; } = LeaderElectionMode.Auto;

    /// <summary>Mode Kubernetes (or Auto in a pod): where the Lease lives; the defaults are what a pod is given.</summary>
    public KubernetesLeaseOptions Kubernetes { get; set; } = new();

    /// <summary>
    /// One lease per directory: replicas reading the same directory must use the same name. Unset: "ad-reader" for the
    /// "default" connection, "ad-reader-&lt;name&gt;" for the others (Reader:Directory).
    /// </summary>
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$", ErrorMessage = "Reader:LeaderElection:LeaseName must be 1-200 letters, digits, '.', '_' or '-'.")]
    public string? LeaseName { get; set; }

    /// <summary>How long the lease lasts without renewal: the longest a dead leader blocks a follower.</summary>
    [Range(2, 3600)] public int LeaseDurationSeconds { get; set; } = 15;

    /// <summary>How often the leader renews and a follower tries to take over; well below the duration so one lost renewal is survivable.</summary>
    [Range(1, 1800)] public int RenewIntervalSeconds { get; set; } = 5;
}
