using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RescueAdSync.AdReader.Leadership;

/// <summary>
/// Reports the role without judging it: a follower is healthy (it is the standby), so it stays ready and is not
/// restarted; the role is in the description and data for whoever looks.
/// </summary>
public sealed class LeaderElectionHealthCheck(LeaderElector elector) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var leader = elector.IsLeader;
        var data = new Dictionary<string, object> { ["lease"] = elector.LeaseName, ["holder"] = elector.Holder, ["leader"] = leader };
        return Task.FromResult(HealthCheckResult.Healthy(leader ? "leader: reads and publishes" : "follower: waits for the lease", data));
    }
}
