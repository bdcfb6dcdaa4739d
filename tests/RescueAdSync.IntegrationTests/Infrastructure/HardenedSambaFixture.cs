using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Infrastructure;

/// <summary>
/// One hardened Samba AD DC (its own DNS server, LDAP signing required) for a test class that finds domain controllers
/// through DNS. The address is <c>ADSYNC_TEST_SAMBA_DOMAIN_IP</c>, default 127.0.0.44; <see cref="DeadIp"/>:<see cref="DeadPort"/>
/// is where nothing listens, for SRV targets that are down.
/// </summary>
public sealed class HardenedSambaFixture : IAsyncLifetime
{
    private SambaDc? _dc;

    public static string Ip => Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_DOMAIN_IP") is { Length: > 0 } ip ? ip : "127.0.0.44";

    public const string DeadIp = "127.0.0.4";

    public const int DeadPort = 1;

    public SambaDc Dc => _dc ?? throw new InvalidOperationException("The Samba DC has not been started.");

    public async Task InitializeAsync() => _dc = await SambaDc.StartHardenedAsync(Ip);

    /// <summary>
    /// Adds an SRV record to the DC's <c>_msdcs</c> zone, e.g. <c>_ldap._tcp.branch._sites.dc</c>, as an administrator
    /// does with the DNS console.
    /// </summary>
    public Task AddMsdcsSrvAsync(string name, string target, int port, int priority, int weight) =>
        Dc.SambaToolAsync("dns", "add", Ip, $"_msdcs.{Dc.Domain}", name, "SRV", $"{target} {port} {priority} {weight}",
            "-U", "Administrator", $"--password={Dc.AdminPassword}");

    public async Task DisposeAsync()
    {
        if (_dc is not null)
        {
            await _dc.DisposeAsync();
        }
    }
}
