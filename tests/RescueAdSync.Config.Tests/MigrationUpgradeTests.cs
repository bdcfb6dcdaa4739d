using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Secrets;
using RescueAdSync.Config.Tests.PostgreSql;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// A database written by the previous release (migrated only up to its last migration, "Initial") is upgraded by the
/// service at start, and everything it held is still there and usable, on both providers.
/// </summary>
public sealed class MigrationUpgradeTests
{
    private const string SqlitePrevious = "20261127085502_Initial";
    private const string PostgresPrevious = "20261127090241_Initial";

    private static readonly Guid MappingId = Guid.Parse("0196d5a0-0000-7000-8000-00000000c0de");
    private static readonly DateTimeOffset Written = new(2026, 11, 1, 8, 30, 0, 123, TimeSpan.Zero);

    [Fact]
    public async Task Sqlite_database_of_the_previous_version_is_upgraded_with_its_data()
    {
        using var factory = new ConfigApiFactory();
        var options = new DbContextOptionsBuilder<SqliteConfigDbContext>().UseSqlite($"Data Source={factory.DatabasePath}").Options;
        await using (var db = new SqliteConfigDbContext(options))
        {
            await SeedPreviousVersionAsync(db, SqlitePrevious, factory);
        }

        await AssertUpgradedAsync(factory, () => new SqliteConfigDbContext(options));
    }

    [Fact]
    public async Task PostgreSql_database_of_the_previous_version_is_upgraded_with_its_data()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        using var factory = new ConfigApiFactory();
        factory.Settings["Database:Provider"] = "PostgreSql";
        factory.Settings["ConnectionStrings:Config"] = connectionString;
        var options = new DbContextOptionsBuilder<PostgresConfigDbContext>().UseNpgsql(connectionString).Options;
        await using (var db = new PostgresConfigDbContext(options))
        {
            await SeedPreviousVersionAsync(db, PostgresPrevious, factory);
        }

        await AssertUpgradedAsync(factory, () => new PostgresConfigDbContext(options));
    }

    /// <summary>The schema of the previous release, and rows of every table it had, secrets encrypted with the service's key.</summary>
    private static async Task SeedPreviousVersionAsync(ConfigDbContext db, string previousMigration, ConfigApiFactory factory)
    {
        await db.GetService<IMigrator>().MigrateAsync(previousMigration);
        Assert.Equal([previousMigration], await db.Database.GetAppliedMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());

        var protector = new SecretProtector(new SecretKeyRing(Convert.FromBase64String(factory.Settings["Secrets:Key"]!), []));
        db.RescueAccounts.Add(new RescueAccountRow
        {
            ApiBaseUrl = "https://secure.logmeinrescue.com/API/",
            MahEmail = "mah@example.com",
            MahPasswordEncrypted = protector.Protect(Samples.MahPassword, SecretPurposes.MahPassword),
            ServiceTokenEncrypted = protector.Protect(Samples.ServiceToken, SecretPurposes.ServiceToken),
            DefaultPasswordEncrypted = protector.Protect(Samples.DefaultPassword, SecretPurposes.DefaultPassword),
            UpdatedAt = Written,
            Revision = 3,
        });
        // The directory and mapping tables gained columns since; the current model cannot write the old shape, SQL can.
        var bindPassword = protector.Protect(Samples.BindPassword, SecretPurposes.BindPassword);
        if (db.Database.IsSqlite())
        {
            var written = (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(Written)!;
            var urls = JsonSerializer.Serialize(new[] { "ldap://ldap1.example.com", "ldaps://ldap2.example.com" });
            var id = MappingId.ToString().ToUpperInvariant();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO directory_connection (Id, Kind, ServerUrls, BindDn, BindPasswordEncrypted, BaseDn, PollIntervalSeconds, UpdatedAt, Revision)
                VALUES (1, 'OpenLdap', {urls}, 'cn=sync,dc=example,dc=com', {bindPassword}, 'dc=example,dc=com', 7, {written}, 2)
                """);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO mapping (Id, SourceGroupDn, SourceGroupDnKey, TechnicianGroupId, MobileAddon, Enabled, UpdatedAt, Revision)
                VALUES ({id}, 'CN=Support,OU=Groups,DC=example,DC=com', 'cn=support,ou=groups,dc=example,dc=com', 42, 1, 1, {written}, 5)
                """);
        }
        else
        {
            var urls = new List<string> { "ldap://ldap1.example.com", "ldaps://ldap2.example.com" };
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO directory_connection ("Id", "Kind", "ServerUrls", "BindDn", "BindPasswordEncrypted", "BaseDn", "PollIntervalSeconds", "UpdatedAt", "Revision")
                VALUES (1, 'OpenLdap', {urls}, 'cn=sync,dc=example,dc=com', {bindPassword}, 'dc=example,dc=com', 7, {Written}, 2)
                """);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO mapping ("Id", "SourceGroupDn", "SourceGroupDnKey", "TechnicianGroupId", "MobileAddon", "Enabled", "UpdatedAt", "Revision")
                VALUES ({MappingId}, 'CN=Support,OU=Groups,DC=example,DC=com', 'cn=support,ou=groups,dc=example,dc=com', 42, TRUE, TRUE, {Written}, 5)
                """);
        }

        await db.SaveChangesAsync();
        // The sync log gained columns since (the trace id): written in the previous shape, as SQL.
        await InsertPreviousSyncLogAsync(db);

        // Links in the previous schema (the current model has columns it lacked), two of them sharing one technician, as
        // that release allowed for two users with one email.
        await InsertPreviousLinkAsync(db, "user-from-last-release");
        await InsertPreviousLinkAsync(db, "user-from-last-release-2");
    }

    private static Task InsertPreviousSyncLogAsync(ConfigDbContext db)
    {
        var sqlite = db is SqliteConfigDbContext;
        object mapping = sqlite ? MappingId.ToString().ToUpperInvariant() : MappingId;
        object time = sqlite ? new DateTimeOffsetToBinaryConverter().ConvertToProvider(Written)! : Written;
        return db.Database.ExecuteSqlRawAsync(
            "INSERT INTO sync_log (\"Time\", \"Level\", \"Source\", \"Operation\", \"Message\", \"MappingId\", \"DirectoryUserId\", \"ErrorCode\", \"WillRetry\") " +
            "VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8})",
            time, "Error", "provisioner", "setUser_v2", "written by the previous release", mapping, "user-from-last-release", "INVALIDPARAM_EMAIL", false);
    }

    private static Task InsertPreviousLinkAsync(ConfigDbContext db, string userId)
    {
        var sqlite = db is SqliteConfigDbContext;
        object mapping = sqlite ? MappingId.ToString().ToUpperInvariant() : MappingId;
        object updatedAt = sqlite ? new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter().ConvertToProvider(Written)! : Written;
        return db.Database.ExecuteSqlRawAsync(
            "INSERT INTO technician_link (\"DirectoryUserId\", \"MappingId\", \"TechnicianNodeId\", \"Version\", \"State\", \"UpdatedAt\") " +
            "VALUES ({0}, {1}, {2}, {3}, {4}, {5})",
            userId, mapping, 1001L, 77L, "Disabled", updatedAt);
    }

    private static async Task AssertUpgradedAsync(ConfigApiFactory factory, Func<ConfigDbContext> open)
    {
        // The first request starts the service, which applies the pending migrations.
        var mappings = await factory.Reader.GetFromJsonAsync<Mapping[]>("/api/mappings");
        await using (var db = open())
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        }

        var mapping = Assert.Single(mappings!);
        // Upgraded to the "default" directory, the default rules, and the first priority step.
        Assert.Equal(new Mapping(MappingId, "CN=Support,OU=Groups,DC=example,DC=com", 42, true, true, Written, "default", false, null, null, 10), mapping);
        var mappingETag = (await factory.Admin.GetAsync($"/api/mappings/{MappingId}")).Headers.ETag;
        Assert.Equal("\"5\"", mappingETag?.Tag);

        var credentials = await factory.Provisioner.GetFromJsonAsync<RescueCredentials>("/api/rescue-account/credentials");
        Assert.Equal(new RescueCredentials("https://secure.logmeinrescue.com/API/", Samples.ServiceToken, Samples.DefaultPassword, Written), credentials);
        var directory = await factory.Reader.GetFromJsonAsync<DirectoryConnectionSettings>("/api/directory/credentials");
        Assert.Equal(Samples.BindPassword, directory!.BindPassword);
        Assert.Equal(["ldap://ldap1.example.com", "ldaps://ldap2.example.com"], directory.ServerUrls);
        Assert.Equal(7, directory.PollIntervalSeconds);
        Assert.Equal((DirectoryTlsMode.Ldaps, 360, false, null), (directory.TlsMode, directory.ReconcileMinutes, directory.AllowInsecureTls, directory.CaBundlePem));
        var named = await factory.Admin.GetFromJsonAsync<DirectoryConnectionView[]>("/api/directories");
        Assert.Equal("default", Assert.Single(named!).Name);

        var link = await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-from-last-release");
        Assert.Equal(new TechnicianLink("user-from-last-release", MappingId, 1001, 77, UserState.Disabled, Written), link);
        // One technician serves one user now: the other link keeps its version but loses the shared technician.
        var sharing = await factory.Provisioner.GetFromJsonAsync<TechnicianLink>("/api/links/user-from-last-release-2");
        Assert.Equal(new TechnicianLink("user-from-last-release-2", MappingId, null, 77, UserState.Disabled, Written), sharing);
        var log = Assert.Single((await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>("/api/sync-log"))!);
        Assert.Equal(("written by the previous release", "INVALIDPARAM_EMAIL", Written), (log.Message, log.ErrorCode, log.Time));
        Assert.Null(log.TraceId);
        // Entries from before the log named people have no name or email, and say so.
        Assert.Equal((null, null), (log.DisplayName, log.Email));

        // The tables the upgrade added work for the rows that were already there.
        var state = new HttpRequestMessage(HttpMethod.Put, $"/api/reader-state/{MappingId}")
        {
            Content = JsonContent.Create(new ReaderStateUpdate(JsonSerializer.SerializeToElement(new { usn = 1 }), "1")),
        };
        Assert.Equal(HttpStatusCode.NoContent, (await factory.Reader.SendAsync(state)).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await factory.Reader.PostAsJsonAsync("/api/leases/upgraded-directory", new LeaseRequest("reader-1", 30))).StatusCode);
    }
}
