using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Secrets;

namespace RescueAdSync.Config.Data;

/// <summary>
/// Before the first request: applies the migrations, then re-encrypts every secret still under a previous key,
/// so that after a rotation the old key can be dropped at the next restart.
/// </summary>
public sealed class DatabaseInitializer(IServiceScopeFactory scopes, ILogger<DatabaseInitializer> logger,
    Microsoft.Extensions.Options.IOptions<DatabaseOptions> options) : IHostedService
{
    /// <summary>Set by --migrate-only: migrate whatever Database:MigrateOnStart says.</summary>
    internal bool ForceMigration { get; set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConfigDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0 && !options.Value.MigrateOnStart && !ForceMigration)
        {
            throw new InvalidOperationException(
                $"The database schema is not up to date ({pending.Count} pending migrations: {string.Join(", ", pending)}) and Database:MigrateOnStart is false: " +
                "run the service once with --migrate-only (the config-migrate Job in Kubernetes) first.");
        }

        // Nothing pending (every start but the first after an upgrade, and every instance a scale-out adds): no Migrate.
        // MigrateAsync would still take the migration lock and compare the model with the migrations' snapshot, which
        // builds both models: most of the service's start-up time (docs/performance.md, "Start to ready").
        if (pending.Count > 0)
        {
            await db.Database.MigrateAsync(cancellationToken);
            logger.MigrationsApplied(pending.Count, string.Join(", ", pending));
        }
        if (db.Database.IsSqlite())
        {
            // WAL lets readers go on while a provisioner writes a link; the setting is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        var protector = scope.ServiceProvider.GetRequiredService<SecretProtector>();
        var rotated = 0;
        if (await db.RescueAccounts.SingleOrDefaultAsync(cancellationToken) is { } account)
        {
            account.MahPasswordEncrypted = Reencrypt(protector, account.MahPasswordEncrypted, SecretPurposes.MahPassword, ref rotated);
            account.ServiceTokenEncrypted = Reencrypt(protector, account.ServiceTokenEncrypted, SecretPurposes.ServiceToken, ref rotated);
            account.DefaultPasswordEncrypted = Reencrypt(protector, account.DefaultPasswordEncrypted, SecretPurposes.DefaultPassword, ref rotated);
        }

        foreach (var directory in await db.DirectoryConnections.ToListAsync(cancellationToken))
        {
            directory.BindPasswordEncrypted = Reencrypt(protector, directory.BindPasswordEncrypted, SecretPurposes.BindPassword, ref rotated);
            directory.KeytabEncrypted = Reencrypt(protector, directory.KeytabEncrypted, SecretPurposes.Keytab, ref rotated);
        }

        if (rotated > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.SecretsReencrypted(rotated);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Reencrypt(SecretProtector protector, string stored, string purpose, ref int rotated)
    {
        // An empty column is no secret (a Kerberos connection's bind password, a Simple one's keytab).
        if (stored.Length == 0 || !protector.IsStale(stored))
        {
            return stored;
        }

        rotated++;
        return protector.Protect(protector.Unprotect(stored, purpose), purpose);
    }
}
