using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Infrastructure;

/// <summary>
/// One Samba AD DC for every test in the "samba" collection (its ports are fixed, so one per address);
/// tests use their own OUs and groups. The address is <c>ADSYNC_TEST_SAMBA_IP</c>, default 127.0.0.1.
/// </summary>
public sealed class SambaFixture : IAsyncLifetime
{
    private SambaDc? _dc;

    public static string Ip => Environment.GetEnvironmentVariable("ADSYNC_TEST_SAMBA_IP") is { Length: > 0 } ip ? ip : "127.0.0.1";

    public SambaDc Dc => _dc ?? throw new InvalidOperationException("The Samba DC has not been started.");

    public async Task InitializeAsync() => _dc = await SambaDc.StartAsync(Ip);

    public async Task DisposeAsync()
    {
        if (_dc is not null)
        {
            await _dc.DisposeAsync();
        }
    }
}
