using System.Net;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader.Leadership;

/// <summary>The lease in the config store (POST/DELETE /api/leases/{name}): 200 acquired or renewed, 409 held by another.</summary>
public sealed class ConfigServiceLeaseStore(IConfigApi configApi) : ILeaseStore
{
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken)
    {
        // The service counts whole seconds; rounding down keeps our own idea of the expiry no later than the service's.
        var seconds = Math.Max(1, (int)ttl.TotalSeconds);
        using var response = await configApi.AcquireLeaseAsync(name, new LeaseRequest(holder, seconds), cancellationToken);
        if (response.IsSuccessStatusCode && response.Content is { } lease)
        {
            return lease.Holder == holder;
        }
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
        throw new LeaseStoreException($"Acquiring lease '{name}' failed: HTTP {(int?)response.StatusCode}.");
    }

    public async Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        using var response = await configApi.ReleaseLeaseAsync(name, holder, cancellationToken);
        // 409: someone else took it after ours lapsed; nothing of ours is left to free.
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
        {
            throw new LeaseStoreException($"Releasing lease '{name}' failed: HTTP {(int?)response.StatusCode}.");
        }
    }
}
