using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Config.Data;

public static class DataExtensions
{
    public static IHostApplicationBuilder AddConfigDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.Section))
            .Configure(options => options.ConnectionString =
                builder.Configuration.GetConnectionString(DatabaseOptions.ConnectionStringName) ?? DatabaseOptions.DefaultConnectionString)
            .Validate(options => options.Provider == DatabaseProvider.Sqlite, "Database:Provider PostgreSql is not available yet; use Sqlite.")
            .Validate(options => !string.IsNullOrWhiteSpace(options.ConnectionString), "ConnectionStrings:Config is empty.")
            .ValidateOnStart();

        builder.Services.AddDbContext<SqliteConfigDbContext>((services, options) =>
            options.UseSqlite(services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
        builder.Services.AddScoped<ConfigDbContext>(services => services.GetRequiredService<SqliteConfigDbContext>());

        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }
}
