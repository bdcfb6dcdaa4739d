using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace RescueAdSync.Config.Data;

/// <summary>The SQLite flavour of the model, with its own migrations under Data/Migrations/Sqlite.</summary>
public sealed class SqliteConfigDbContext(DbContextOptions<SqliteConfigDbContext> options) : ConfigDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset text; as a number (all our times are UTC) it can,
        // which the sync-log time filters and "newest first" need.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
