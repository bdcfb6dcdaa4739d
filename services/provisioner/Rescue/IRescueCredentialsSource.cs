using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Provisioner.Rescue;

/// <summary>Where the client gets the base URL and the service token on each call (the config service, possibly cached).</summary>
public interface IRescueCredentialsSource
{
    ValueTask<RescueCredentials> GetAsync(CancellationToken ct);
}
