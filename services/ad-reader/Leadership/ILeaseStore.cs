namespace RescueAdSync.AdReader.Leadership;

/// <summary>Where the leader lease lives (the config store, or a Kubernetes Lease).</summary>
public interface ILeaseStore
{
    /// <summary>
    /// Acquires the lease, or renews it when <paramref name="holder"/> already holds it. True when held for
    /// <paramref name="ttl"/> from now; false when another holder has it. Throws when the store cannot answer, which
    /// is not the same as "held by another": the caller keeps what it had until its lease lapses.
    /// </summary>
    Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Frees the lease if <paramref name="holder"/> holds it, so a follower need not wait for it to lapse.</summary>
    Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken);
}
