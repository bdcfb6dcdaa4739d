using Microsoft.Extensions.Diagnostics.HealthChecks;
using RescueAdSync.AdReader.Leadership;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Ready only while the last bind succeeded; before the first attempt the reader is Degraded, not down. A follower
/// does not bind at all, and is ready: it is the standby, and its last bind (from an earlier term) says nothing now.
/// </summary>
public sealed class DirectoryBindHealthCheck(ReaderHealth health, LeaderElector elector) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(health.LastBind switch
        {
            _ when !elector.IsLeader => HealthCheckResult.Healthy("Follower: the leader reads the directory."),
            null => HealthCheckResult.Degraded("No bind attempted yet."),
            { Succeeded: true } bind => HealthCheckResult.Healthy(bind.Description),
            var bind => HealthCheckResult.Unhealthy(bind.Description),
        });
}
