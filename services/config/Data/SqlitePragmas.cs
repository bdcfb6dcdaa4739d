using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace RescueAdSync.Config.Data;

/// <summary>
/// Sets <see cref="DatabaseOptions.SqliteSynchronous"/> on every SQLite connection (the journal mode is stored in the
/// file; synchronous is per connection). With WAL, Normal writes without a disk flush per commit: a link write took one
/// flush (~5 ms on our machines), which capped the provisioners at ~70 new users a second (three link writes each).
/// </summary>
public sealed class SqlitePragmas(IOptions<DatabaseOptions> options) : DbConnectionInterceptor
{
    private string Statement => $"PRAGMA synchronous={options.Value.SqliteSynchronous.ToString().ToUpperInvariant()};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Statement;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Statement;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
