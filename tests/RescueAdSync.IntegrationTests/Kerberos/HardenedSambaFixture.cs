using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Kerberos;

/// <summary>
/// A Samba AD DC run as enterprises run AD (LDAP signing required, its own KDC and DNS) on an address of its own
/// (ADSYNC_TEST_SAMBA_KERBEROS_IP, default 127.0.0.46), so that it runs beside the other tests' DCs.
/// </summary>
public sealed class HardenedSambaFixture : IAsyncLifetime
{
    private SambaDc? _dc;

    public static string Ip => Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_KERBEROS_IP") is { Length: > 0 } ip ? ip : "127.0.0.46";

    public SambaDc Dc => _dc ?? throw new InvalidOperationException("The Samba DC has not been started.");

    /// <summary>Where the tests' keytabs are exported to.</summary>
    public string KeytabDirectory { get; } = Directory.CreateTempSubdirectory("adsync-keytabs-").FullName;

    public async Task InitializeAsync() => _dc = await SambaDc.StartHardenedAsync(Ip);

    public async Task DisposeAsync()
    {
        if (_dc is not null)
        {
            await _dc.DisposeAsync();
        }
        Directory.Delete(KeytabDirectory, recursive: true);
    }
}
