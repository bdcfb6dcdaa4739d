using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Tests.PostgreSql;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// Earlier releases stored a mapping's reader state as one document with the known users inside. After the upgrade the
/// state reads back with every user as a row (both forms earlier readers wrote), the rest of the document, ETag and
/// directory version unchanged, so the reader continues where it stopped instead of publishing everyone again.
/// </summary>
public sealed class ReaderStateDocumentUpgradeTests
{
    private const string SqlitePrevious = "20261207114612_DirectoryKerberos";
    private const string PostgresPrevious = "20261207114621_DirectoryKerberos";
    private const string Stamp = "0123456789abcdef0123456789abcdef";

    private static readonly DateTimeOffset Written = new(2026, 12, 1, 8, 30, 0, TimeSpan.Zero);

    /// <summary>A document as the previous reader wrote it: compact users, and one in the older object form.</summary>
    private const string Document = """
        {"mappingId":"MAPPING","sourceGroupDn":"CN=Support,DC=example,DC=com","nestedGroups":false,
         "mark":{"version":4711,"token":"4711","serverIdentity":"dc-1"},
         "users":{
           "id-b":["Bob Ünicode","bob@example.com","CN=Bob,DC=example,DC=com","Disabled",4700],
           "id-a":["Alice","alice@example.com","CN=Alice,DC=example,DC=com","Enabled",4600],
           "id-c":{"id":"id-c","distinguishedName":"CN=Carol,DC=example,DC=com","displayName":"Carol","email":"carol@example.com","state":"OutOfScope","version":4650}
         },
         "lastFullReadAt":"2026-12-01T08:00:00+00:00","updatedAt":"2026-12-01T08:30:00+00:00","attributeRules":"displayName|mail","dirSyncCookie":null}
        """;

    [Fact]
    public async Task Sqlite_state_stored_as_one_document_is_carried_into_rows_without_losing_anything()
    {
        using var factory = new ConfigApiFactory();
        var options = new DbContextOptionsBuilder<SqliteConfigDbContext>().UseSqlite($"Data Source={factory.DatabasePath}").Options;
        Guid mappingId;
        await using (var db = new SqliteConfigDbContext(options))
        {
            mappingId = await SeedAsync(db, SqlitePrevious);
        }

        await AssertCarriedAsync(factory, mappingId, () => new SqliteConfigDbContext(options));
    }

    [Fact]
    public async Task PostgreSql_state_stored_as_one_document_is_carried_into_rows_without_losing_anything()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        using var factory = new ConfigApiFactory();
        factory.Settings["Database:Provider"] = "PostgreSql";
        factory.Settings["ConnectionStrings:Config"] = connectionString;
        var options = new DbContextOptionsBuilder<PostgresConfigDbContext>().UseNpgsql(connectionString).Options;
        Guid mappingId;
        await using (var db = new PostgresConfigDbContext(options))
        {
            mappingId = await SeedAsync(db, PostgresPrevious);
        }

        await AssertCarriedAsync(factory, mappingId, () => new PostgresConfigDbContext(options));
    }

    private static async Task<Guid> SeedAsync(ConfigDbContext db, string previousMigration)
    {
        await db.GetService<IMigrator>().MigrateAsync(previousMigration);
        Assert.Equal(previousMigration, (await db.Database.GetAppliedMigrationsAsync()).Last());
        var dn = "CN=Support,DC=example,DC=com";
        var mapping = new MappingRow
        {
            Id = Guid.CreateVersion7(),
            SourceGroupDn = dn,
            SourceGroupDnKey = dn.ToLowerInvariant(),
            TechnicianGroupId = 42,
            Enabled = true,
            UpdatedAt = Written,
            Revision = 1,
            Priority = 10,
        };
        db.Mappings.Add(mapping);
        await db.SaveChangesAsync();

        // The reader_state table of the previous release lacks the columns the current model has: written as SQL.
        var sqlite = db is SqliteConfigDbContext;
        object id = sqlite ? mapping.Id.ToString().ToUpperInvariant() : mapping.Id;
        object updatedAt = sqlite ? new DateTimeOffsetToBinaryConverter().ConvertToProvider(Written)! : Written;
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO reader_state (\"MappingId\", \"Document\", \"DirectoryVersion\", \"UpdatedAt\", \"ConcurrencyStamp\") VALUES ({0}, {1}, {2}, {3}, {4})",
            id, Document.Replace("MAPPING", mapping.Id.ToString(), StringComparison.Ordinal), "4711", updatedAt, Stamp);
        return mapping.Id;
    }

    private static async Task AssertCarriedAsync(ConfigApiFactory factory, Guid mappingId, Func<ConfigDbContext> open)
    {
        var path = $"/api/reader-state/{mappingId}";
        // The first request starts the service, which applies the pending migrations; the read carries the users.
        var response = await factory.Reader.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"\"{Stamp}\"", response.Headers.ETag?.Tag);
        var state = (await response.Content.ReadFromJsonAsync<ReaderState>())!;
        Assert.Equal(("4711", Written, 3), (state.DirectoryVersion, state.UpdatedAt, state.UserCount));
        Assert.False(state.Document.TryGetProperty("users", out _));
        Assert.Equal(4711, state.Document.GetProperty("mark").GetProperty("version").GetInt64());
        Assert.Equal("displayName|mail", state.Document.GetProperty("attributeRules").GetString());

        var page = (await factory.Reader.GetFromJsonAsync<ReaderStateUsersPage>($"{path}/users"))!;
        Assert.Equal(
            [
                new ReaderStateUser("id-a", "Alice", "alice@example.com", "CN=Alice,DC=example,DC=com", UserState.Enabled, 4600),
                new ReaderStateUser("id-b", "Bob Ünicode", "bob@example.com", "CN=Bob,DC=example,DC=com", UserState.Disabled, 4700),
                new ReaderStateUser("id-c", "Carol", "carol@example.com", "CN=Carol,DC=example,DC=com", UserState.OutOfScope, 4650),
            ],
            page.Users);

        // Carried once: a second read finds the rows, the document stays without them.
        Assert.Equal(3, (await factory.Admin.GetFromJsonAsync<ReaderState>(path))!.UserCount);
        await using (var db = open())
        {
            var row = await db.ReaderStates.AsNoTracking().SingleAsync(s => s.MappingId == mappingId);
            Assert.True(row.UsersInRows);
            Assert.DoesNotContain("Alice", row.Document, StringComparison.Ordinal);
            Assert.Equal(3, await db.ReaderStateUsers.CountAsync(u => u.MappingId == mappingId));
        }

        // The reader continues with the ETag it read.
        var write = new HttpRequestMessage(HttpMethod.Put, path)
        {
            Content = JsonContent.Create(new ReaderStateUpdate(state.Document, "4712",
                [new ReaderStateUser("id-d", "Dan", "dan@example.com", "CN=Dan,DC=example,DC=com", UserState.Enabled, 4712)], ["id-c"])),
        };
        write.Headers.IfMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.Reader.SendAsync(write)).StatusCode);
        page = (await factory.Reader.GetFromJsonAsync<ReaderStateUsersPage>($"{path}/users"))!;
        Assert.Equal(["id-a", "id-b", "id-d"], page.Users.Select(u => u.Id));
    }
}
