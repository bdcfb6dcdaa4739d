using Microsoft.Extensions.Options;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Configuration;

/// <summary>
/// The provisioner's view of the config service: mappings and Rescue credentials, refreshed after
/// <see cref="ProvisionerOptions.ConfigRefreshSeconds"/>. When the config service is down, the last
/// known values keep the provisioner working; only a cold start without any value fails.
/// </summary>
public sealed class ConfigCache(IConfigApi config, IOptions<ProvisionerOptions> options, TimeProvider clock, ILogger<ConfigCache> logger)
    : IRescueCredentialsSource
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Snapshot? _snapshot;

    public async ValueTask<RescueCredentials> GetAsync(CancellationToken ct) => (await GetSnapshotAsync(ct)).Credentials;

    /// <summary>Asks the config service now, bypassing the cache: used while Rescue refuses the token, to notice its replacement.</summary>
    public async Task<RescueCredentials> RefreshCredentialsAsync(CancellationToken ct) => (await GetSnapshotAsync(ct, force: true)).Credentials;

    public async Task<Mapping?> FindMappingAsync(Guid mappingId, CancellationToken ct)
    {
        var snapshot = await GetSnapshotAsync(ct);
        if (snapshot.Mappings.TryGetValue(mappingId, out var mapping))
        {
            return mapping;
        }
        // A mapping created a moment ago may not be in the cache yet: look once more before calling it unknown.
        snapshot = await GetSnapshotAsync(ct, force: true);
        return snapshot.Mappings.GetValueOrDefault(mappingId);
    }

    private async Task<Snapshot> GetSnapshotAsync(CancellationToken ct, bool force = false)
    {
        var current = _snapshot;
        var maxAge = TimeSpan.FromSeconds(options.Value.ConfigRefreshSeconds);
        if (current is not null && !force && clock.GetUtcNow() - current.LoadedAt < maxAge)
        {
            return current;
        }

        await _refresh.WaitAsync(ct);
        try
        {
            if (_snapshot is not null && _snapshot != current)
            {
                return _snapshot;
            }

            var credentials = await config.GetRescueCredentialsAsync(ct);
            var mappings = await config.GetMappingsAsync(ct);
            _snapshot = new Snapshot(credentials, mappings.ToDictionary(m => m.Id), clock.GetUtcNow());
            return _snapshot;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _snapshot is not null)
        {
            logger.ConfigServiceUnreachable(ex.Message, _snapshot.LoadedAt, ex);
            return _snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private sealed record Snapshot(RescueCredentials Credentials, IReadOnlyDictionary<Guid, Mapping> Mappings, DateTimeOffset LoadedAt);
}
