using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RescueAdSync.Config.Data;

/// <summary>Lets `dotnet ef migrations add` build the SQLite context without starting the service (no keys needed).</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteConfigDbContext>
{
    public SqliteConfigDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteConfigDbContext>().UseSqlite(DatabaseOptions.DefaultConnectionString).Options);
}
