namespace RescueAdSync.AdReader.Leadership;

/// <summary>
/// Reader:LeaderElection:Enabled=false: the operator guarantees a single replica (docker-compose, a lab), so the
/// lease is always granted and nothing outside the process is asked.
/// </summary>
public sealed class UncontestedLeaseStore : ILeaseStore
{
    public Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken) => Task.CompletedTask;
}
