extern alias provisioner;

using provisioner::RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.RescueEmulator.Tests;

/// <summary>What the config service would hand the provisioner; Token is settable to test a replaced token.</summary>
public sealed class FixedCredentials(string baseUrl, string token) : IRescueCredentialsSource
{
    public string Token { get; set; } = token;

    public ValueTask<RescueCredentials> GetAsync(CancellationToken ct) =>
        ValueTask.FromResult(new RescueCredentials(baseUrl, Token, TestOrganization.DefaultPassword, DateTimeOffset.UnixEpoch));
}
