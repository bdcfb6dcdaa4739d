using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Tests.PostgreSql;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Tests;

/// <summary>
/// Earlier releases could store several open plans for one mapping (concurrent holds). The upgrade keeps one open,
/// the approved one if any, else the newest, rejects the others, and from then on the database refuses a second one.
/// </summary>
public sealed class OpenHeldPlansUpgradeTests
{
    private const string SqlitePrevious = "20261127145929_Previews";
    private const string PostgresPrevious = "20261127145942_Previews";

    [Fact]
    public async Task Sqlite_database_with_several_open_plans_for_a_mapping_keeps_one_open()
    {
        using var factory = new ConfigApiFactory();
        var options = new DbContextOptionsBuilder<SqliteConfigDbContext>().UseSqlite($"Data Source={factory.DatabasePath}").Options;
        await using (var db = new SqliteConfigDbContext(options))
        {
            await AssertUpgradedAsync(factory, await SeedAsync(db, SqlitePrevious));
        }
    }

    [Fact]
    public async Task PostgreSql_database_with_several_open_plans_for_a_mapping_keeps_one_open()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        using var factory = new ConfigApiFactory();
        factory.Settings["Database:Provider"] = "PostgreSql";
        factory.Settings["ConnectionStrings:Config"] = connectionString;
        var options = new DbContextOptionsBuilder<PostgresConfigDbContext>().UseNpgsql(connectionString).Options;
        await using (var db = new PostgresConfigDbContext(options))
        {
            await AssertUpgradedAsync(factory, await SeedAsync(db, PostgresPrevious));
        }
    }

    /// <summary>Two mappings: one with two held plans and an approved one between them, one with two held plans.</summary>
    private static async Task<Seeded> SeedAsync(ConfigDbContext db, string previousMigration)
    {
        await db.GetService<IMigrator>().MigrateAsync(previousMigration);
        Assert.Equal(previousMigration, (await db.Database.GetAppliedMigrationsAsync()).Last());

        var withApproved = Mapping(10);
        var heldOnly = Mapping(20);
        db.Mappings.AddRange(withApproved, heldOnly);
        var plans = new[]
        {
            Plan(withApproved.Id, HeldPlanStatus.Held, 1),
            Plan(withApproved.Id, HeldPlanStatus.Approved, 2),
            Plan(withApproved.Id, HeldPlanStatus.Held, 3),
            Plan(withApproved.Id, HeldPlanStatus.Rejected, 4),
            Plan(heldOnly.Id, HeldPlanStatus.Held, 5),
            Plan(heldOnly.Id, HeldPlanStatus.Held, 6),
        };
        db.HeldPlans.AddRange(plans);
        await db.SaveChangesAsync();
        return new Seeded(withApproved.Id, plans[1].Id, heldOnly.Id, plans[5].Id);
    }

    private static async Task AssertUpgradedAsync(ConfigApiFactory factory, Seeded seeded)
    {
        // The first request starts the service, which applies the pending migrations.
        var open = (await factory.Admin.GetFromJsonAsync<HeldPlan[]>($"/api/held-plans?mappingId={seeded.WithApproved}&open=true"))!;
        Assert.Equal(seeded.Approved, Assert.Single(open).Id);
        open = (await factory.Admin.GetFromJsonAsync<HeldPlan[]>($"/api/held-plans?mappingId={seeded.HeldOnly}&open=true"))!;
        Assert.Equal(seeded.NewestHeld, Assert.Single(open).Id);
        var all = (await factory.Admin.GetFromJsonAsync<HeldPlan[]>($"/api/held-plans?mappingId={seeded.WithApproved}"))!;
        Assert.Equal(3, all.Count(p => p.Status == HeldPlanStatus.Rejected));

        var again = await factory.Reader.PostAsJsonAsync("/api/held-plans", new NewHeldPlan(seeded.HeldOnly, "Would disable 1 of 1.", 1, 1, 1, [], Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    private static MappingRow Mapping(int priority)
    {
        var dn = $"CN=Upgrade-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com";
        return new MappingRow
        {
            Id = Guid.CreateVersion7(),
            SourceGroupDn = dn,
            SourceGroupDnKey = dn.ToLowerInvariant(),
            TechnicianGroupId = 42,
            Enabled = true,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            Revision = 1,
            Priority = priority,
        };
    }

    private static HeldPlanRow Plan(Guid mappingId, HeldPlanStatus status, int minute) => new()
    {
        // Version 7 ids in creation order, as the service makes them.
        Id = Guid.CreateVersion7(DateTimeOffset.UnixEpoch.AddYears(56).AddMinutes(minute)),
        MappingId = mappingId,
        Status = status,
        Reason = "Would disable 3 of 4.",
        Disables = 3,
        EnabledMembers = 4,
        TotalChanges = 3,
        ChangesJson = "[]",
        CreatedAt = DateTimeOffset.UnixEpoch.AddYears(56).AddMinutes(minute),
        CorrelationId = Guid.NewGuid(),
        Revision = 1,
    };

    private sealed record Seeded(Guid WithApproved, Guid Approved, Guid HeldOnly, Guid NewestHeld);
}
