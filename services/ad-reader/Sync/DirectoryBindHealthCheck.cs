using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RescueAdSync.AdReader.Sync;

/// <summary>Ready only while the last bind succeeded; before the first attempt the reader is Degraded, not down.</summary>
public sealed class DirectoryBindHealthCheck(ReaderHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(health.LastBind switch
        {
            null => HealthCheckResult.Degraded("No bind attempted yet."),
            { Succeeded: true } bind => HealthCheckResult.Healthy(bind.Description),
            var bind => HealthCheckResult.Unhealthy(bind.Description),
        });
}
