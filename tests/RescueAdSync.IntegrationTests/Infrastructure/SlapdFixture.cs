using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Infrastructure;

/// <summary>One slapd for every test in the "slapd" collection; tests use their own OUs under it.</summary>
public sealed class SlapdFixture : IAsyncLifetime
{
    private SlapdServer? _server;

    public SlapdServer Server => _server ?? throw new InvalidOperationException("slapd has not been started.");

    public async Task InitializeAsync() => _server = await SlapdServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
