using System.Globalization;

namespace RescueAdSync.TestInfrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster (trust auth on 127.0.0.1, user postgres) on a free port, started by
/// deploy/local/postgres.sh, or the one the connection string in <c>ADSYNC_TEST_POSTGRES</c> names.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly ScriptServer? _server;

    private PostgresServer(string connectionString, ScriptServer? server)
    {
        ConnectionString = connectionString;
        _server = server;
    }

    public string ConnectionString { get; }

    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        if (Environment.GetEnvironmentVariable("ADSYNC_TEST_POSTGRES") is { Length: > 0 } external)
        {
            return new PostgresServer(external, server: null);
        }

        var port = Ports.GetFree();
        var server = new ScriptServer("postgres.sh", RunDirectories.Create("postgres"), [port.ToString(CultureInfo.InvariantCulture)],
            exitSignal: Signals.SigInt);
        try
        {
            await server.StartAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", server);
    }

    public Task StopAsync() => Local.StopAsync();

    public Task StartAgainAsync() => Local.StartAsync(CancellationToken.None);

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private ScriptServer Local => _server ?? throw new NotSupportedException(
        "This PostgreSQL comes from ADSYNC_TEST_POSTGRES: the tests cannot stop or start it.");
}
