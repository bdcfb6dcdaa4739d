using System.Text;
using Npgsql;

namespace RescueAdSync.Config.Tests.PostgreSql;

/// <summary>The config service on a fresh database of the shared test PostgreSQL server.</summary>
public sealed class PostgresConfigApiFactory : ConfigApiFactory, IAsyncLifetime
{
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        connectionString = await server.CreateDatabaseAsync();
        Settings["Database:Provider"] = "PostgreSql";
        Settings["ConnectionStrings:Config"] = connectionString;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    /// <summary>Every stored value of the tables that hold secrets or texts that could carry one, as PostgreSQL returns them.</summary>
    public override async Task<byte[]> ReadStoredBytesAsync()
    {
        var text = new StringBuilder();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var table in new[] { "rescue_account", "directory_connection", "sync_log", "held_plan", "provision_request", "preview" })
        {
            await using var command = new NpgsqlCommand($"SELECT t::text FROM {table} t", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine(reader.GetString(0));
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
