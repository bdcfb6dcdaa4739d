using Microsoft.Data.Sqlite;

namespace RescueAdSync.Config.Data;

/// <summary>Where the configuration is stored: "Database:Provider" and "ConnectionStrings:Config".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "Config";
    public const string DefaultConnectionString = "Data Source=config.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>
    /// Apply pending migrations when the service starts (default). False where a one-shot job migrates
    /// (--migrate-only, the Kubernetes production overlay): the service then refuses to start on an outdated schema
    /// instead of several replicas racing to change it.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// SQLite only: Normal (default) or Full. Normal keeps every write across a crash or restart of the service and loses
    /// the last writes only if the host loses power or its OS crashes; Full flushes every write to disk, ~5 ms each.
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Normal;

    /// <summary>Where Development keeps its generated secret key: next to the SQLite file, else in the working directory.</summary>
    public string DevelopmentKeyFilePath()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var dataSource = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            if (!string.IsNullOrEmpty(dataSource) && dataSource != ":memory:")
            {
                return Path.GetFullPath(dataSource + ".key");
            }
        }

        return Path.GetFullPath("config.secrets.key");
    }
}
