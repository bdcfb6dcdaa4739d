namespace RescueAdSync.AdReader.Leadership;

/// <summary>Where Reader:LeaderElection keeps its lease.</summary>
public enum LeaderElectionMode
{
    /// <summary>A Kubernetes Lease when running in a cluster (a service account is mounted), else the config store.</summary>
    Auto,

    /// <summary>The config store's lease endpoints: works wherever the config service does.</summary>
    ConfigService,

    /// <summary>A coordination.k8s.io/v1 Lease through the Kubernetes API (Role "ad-reader-leader-election").</summary>
    Kubernetes,
}
