using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RescueAdSync.Config.Data;

/// <summary>Lets `dotnet ef migrations add --context PostgresConfigDbContext` run without a server (it never connects).</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresConfigDbContext>
{
    public PostgresConfigDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresConfigDbContext>().UseNpgsql("Host=localhost;Database=adsync_config").Options);
}
