using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Data;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// The config service as a real process with --migrate-only / Config__MigrateOnly=true: it migrates and exits 0 (the
/// Kubernetes Job), and a service with Database:MigrateOnStart=false refuses an outdated schema instead of changing it.
/// </summary>
public sealed class MigrateOnlyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("adsync-migrate-only-").FullName;

    private string DatabasePath => Path.Combine(_directory, "config.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Dictionary<string, string?> Environment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Config"] = $"Data Source={DatabasePath}",
            ["Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            // Never listens in migrate-only mode; a port of its own in case it wrongly did.
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Ports.GetFree()}",
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }
        return environment;
    }

    /// <summary>Runs the built service to its end; throws with its output when it exits with another code than 0.</summary>
    private static async Task<string> RunConfigAsync(IDictionary<string, string?> environment, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.ServiceDll("config", "RescueAdSync.Config"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            // A service that kept running instead of exiting is itself the failure.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The config service did not exit.\n{await stdout}\n{await stderr}");
        }
        var output = await stdout + await stderr;
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"Exit code {process.ExitCode}.\n{output}");
    }

    private async Task<(IReadOnlyList<string> Applied, IReadOnlyList<string> All)> MigrationsAsync()
    {
        var options = new DbContextOptionsBuilder<SqliteConfigDbContext>().UseSqlite($"Data Source={DatabasePath};Pooling=false").Options;
        await using var db = new SqliteConfigDbContext(options);
        return ((await db.Database.GetAppliedMigrationsAsync()).ToList(), db.Database.GetMigrations().ToList());
    }

    [Fact]
    public async Task Migrate_only_switch_applies_every_migration_and_exits_0()
    {
        var output = await RunConfigAsync(Environment(), "--migrate-only");

        var (applied, all) = await MigrationsAsync();
        Assert.Equal(all, applied);
        Assert.Contains("DirectoriesAndMappingRules", string.Join(",", applied), StringComparison.Ordinal);
        Assert.Contains("Migrate-only", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_only_setting_works_like_the_switch_even_with_MigrateOnStart_false()
    {
        await RunConfigAsync(Environment(("Config__MigrateOnly", "true"), ("Database__MigrateOnStart", "false")));

        var (applied, all) = await MigrationsAsync();
        Assert.Equal(all, applied);
    }

    [Fact]
    public async Task A_service_that_must_not_migrate_refuses_an_outdated_schema_with_the_reason()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() =>
            RunConfigAsync(Environment(("Database__MigrateOnStart", "false"), ("Auth__ApiKeys__0__Key", "an-admin-key-0123456789"),
                ("Auth__ApiKeys__0__Role", "admin"))));

        Assert.Contains("--migrate-only", failure.Message, StringComparison.Ordinal);
        Assert.Empty((await MigrationsAsync()).Applied);
    }
}
