namespace RescueAdSync.Config;

/// <summary>
/// "--migrate-only" or Config:MigrateOnly=true (Config__MigrateOnly): apply the migrations, re-encrypt secrets under a
/// previous key, and exit 0 without serving, so that Kubernetes can run the schema change once, as a Job, before the
/// replicas start. Any failure ends the process with a non-zero code and the reason in the log.
/// </summary>
public static class MigrateOnly
{
    public const string Switch = "--migrate-only";
    public const string SettingKey = "Config:MigrateOnly";

    /// <summary>True when the switch is among the arguments; removes it, so the configuration's parser never sees it.</summary>
    public static bool Requested(ref string[] args)
    {
        var found = args.Contains(Switch, StringComparer.Ordinal);
        if (found)
        {
            args = args.Where(arg => arg != Switch).ToArray();
        }

        return found;
    }

    public static bool Configured(IConfiguration configuration) => configuration.GetValue<bool>(SettingKey);

    public static async Task<int> MigrateOnlyAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RescueAdSync.Config.MigrateOnly");
        var initializer = app.Services.GetServices<IHostedService>().OfType<Data.DatabaseInitializer>().Single();
        initializer.ForceMigration = true;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        await initializer.StartAsync(stop.Token);
        logger.MigrateOnlyDone();
        return 0;
    }
}
