using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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
            .Validate(options => Enum.IsDefined(options.Provider), "Database:Provider must be Sqlite or PostgreSql.")
            .Validate(options => Enum.IsDefined(options.SqliteSynchronous), "Database:SqliteSynchronous must be Normal or Full.")
            .Validate(options => !string.IsNullOrWhiteSpace(options.ConnectionString), "ConnectionStrings:Config is empty.")
            .ValidateOnStart();

        // Both contexts are registered; the provider chosen in configuration decides which one the APIs get.
        builder.Services.AddSingleton<SqlitePragmas>();
        builder.Services.AddSingleton<SecretRedactionInterceptor>();
        // Pooled: a request reuses a context (and its options) instead of building them again; the provisioners make
        // several link calls per new user.
        builder.Services.AddDbContextPool<SqliteConfigDbContext>((services, options) =>
            Common(options.UseSqlite(services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString), services)
                .AddInterceptors(services.GetRequiredService<SqlitePragmas>())
                // The migration LinkWithoutTechnician makes a column nullable, which SQLite can only do by rebuilding the
                // table between PRAGMA foreign_keys = 0 and = 1; a PRAGMA cannot run inside a transaction, so EF warns at
                // every migration of a new database. It cannot be split off now (databases in use have it in their history),
                // and on a new database the table is still empty. This one event is logged as information, not a warning.
                .ConfigureWarnings(warnings => warnings.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Information))));
        builder.Services.AddDbContextPool<PostgresConfigDbContext>((services, options) =>
            Common(options.UseNpgsql(services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString), services));
        builder.Services.AddScoped<ConfigDbContext>(services =>
            services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.PostgreSql
                ? services.GetRequiredService<PostgresConfigDbContext>()
                : services.GetRequiredService<SqliteConfigDbContext>());

        builder.Services.AddSingleton<SqliteWriteGate>();
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    private static DbContextOptionsBuilder Common(DbContextOptionsBuilder options, IServiceProvider services) =>
        options.AddInterceptors(services.GetRequiredService<SecretRedactionInterceptor>())
            // EF logs a failed statement (CommandError) and a failed save (SaveChangesFailed) at Error before it throws, so
            // before our code can say whether the failure was expected. Ours handles the expected ones: a unique key
            // taken by a concurrent writer, a lost insert race, a technician linked elsewhere become 409s or a retry
            // (WriteConflicts, UniqueViolation, the link writes), and those must not page anyone. Every other failure
            // is rethrown and logged where it ends, with the exception: at Error by the exception handler for a request,
            // by the hosted service's own catch in the background, by the host when a migration at start fails. So
            // EF's own copy of these events is Debug (ExecuteUpdateFailed: the link writes' guarded UPDATE meeting the
            // technician's unique index); the other EF errors (connection, query iteration, ExecuteDelete) stay Error.
            .ConfigureWarnings(warnings => warnings.Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (RelationalEventId.ExecuteUpdateFailed, LogLevel.Debug)));
}
