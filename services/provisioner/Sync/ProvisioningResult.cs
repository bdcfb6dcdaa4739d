namespace RescueAdSync.Provisioner.Sync;

/// <summary>What applying one change did; also the "result" label of the operations metric.</summary>
public enum ProvisioningResult
{
    Created,
    Updated,
    Unchanged,
    Stale,
    Skipped,

    /// <summary>Rescue refused the values of a new technician; recorded in the sync log, not retried.</summary>
    Failed,
}

/// <summary>What applying one change did, and the operator's word for it (provision on demand shows it).</summary>
public sealed record ProvisioningOutcome(ProvisioningResult Result, string Label);
