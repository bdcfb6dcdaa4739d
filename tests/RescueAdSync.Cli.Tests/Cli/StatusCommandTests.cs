using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Tests.Cli;

[Collection(ConfigStackCollection.Name)]
public sealed class StatusCommandTests(ConfigStack stack)
{
    [Fact]
    public async Task Status_counts_links_by_state_and_shows_the_last_errors()
    {
        var group = $"CN=Status-{Guid.NewGuid():N},DC=corp,DC=example,DC=org";
        var (mapping, technicianGroup) = await stack.AddMappingAsync(group);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        await stack.WriteLinkAsync($"{prefix}-u1", mapping, 101, UserState.Enabled);
        await stack.WriteLinkAsync($"{prefix}-u2", mapping, 102, UserState.Enabled);
        await stack.WriteLinkAsync($"{prefix}-u3", mapping, 103, UserState.Deleted);
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "createTechnician", "Rescue said NOT_AUTHORIZED",
            mapping, $"{prefix}-u4", "NOT_AUTHORIZED", WillRetry: true));

        var json = (await stack.RunCliAsync("status", mapping.ToString(), "--json")).Json();
        var status = json.GetProperty("mappings").EnumerateArray().Single();
        Assert.Equal(group, status.GetProperty("mapping").GetProperty("sourceGroupDn").GetString());
        Assert.Equal(2, status.GetProperty("links").GetProperty("Enabled").GetInt32());
        Assert.Equal(1, status.GetProperty("links").GetProperty("Deleted").GetInt32());
        Assert.Equal(0, status.GetProperty("links").GetProperty("OutOfScope").GetInt32());
        Assert.Equal(3, status.GetProperty("linkCount").GetInt32());
        Assert.Equal(1, status.GetProperty("errorCount").GetInt64());
        Assert.Equal("NOT_AUTHORIZED", status.GetProperty("lastErrors")[0].GetProperty("errorCode").GetString());

        var table = await stack.RunCliAsync("status");
        table.AssertExit(0);
        var row = table.Stdout.Split('\n').Single(line => line.StartsWith(mapping.ToString(), StringComparison.Ordinal));
        Assert.Matches($@"{mapping}\s+{group}\s+{technicianGroup}\s+yes\s+3\s+2\s+0\s+0\s+1\s+1\s", row);
        Assert.Contains($"Last errors of {group}:", table.Stdout);
        Assert.Contains("Rescue said NOT_AUTHORIZED", table.Stdout);
    }

    [Fact]
    public async Task Last_activity_follows_the_provisioners_applied_changes_not_only_the_sync_log()
    {
        var group = $"CN=StatusActivity-{Guid.NewGuid():N},DC=corp,DC=example,DC=org";
        var (mapping, _) = await stack.AddMappingAsync(group);
        var before = Single(await stack.RunCliAsync("status", mapping.ToString(), "--json"));
        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastActivity").ValueKind);

        // The provisioner created a technician and later disabled it: no sync-log entry, but activity.
        await stack.WriteLinkAsync($"activity-{Guid.NewGuid():N}", mapping, 911, UserState.Enabled);
        var created = Single(await stack.RunCliAsync("status", mapping.ToString(), "--json"));
        Assert.Equal(created.GetProperty("lastApplied").GetDateTimeOffset(), created.GetProperty("lastActivity").GetDateTimeOffset());
        var table = await stack.RunCliAsync("status", mapping.ToString());
        table.AssertExit(0);
        var row = table.Stdout.Split('\n').Single(line => line.StartsWith(mapping.ToString(), StringComparison.Ordinal));
        Assert.Matches(@"\d{2}:\d{2}:\d{2}Z\s+(ok|HELD|PENDING)", row);

        // A later sync-log entry (a failure) is the later activity.
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "setUser", "Rescue said NOT_AUTHORIZED",
            mapping, "someone", "NOT_AUTHORIZED", WillRetry: true));
        var failed = Single(await stack.RunCliAsync("status", mapping.ToString(), "--json"));
        Assert.True(failed.GetProperty("lastActivity").GetDateTimeOffset() >= created.GetProperty("lastActivity").GetDateTimeOffset());
        Assert.Equal(failed.GetProperty("lastErrors")[0].GetProperty("time").GetDateTimeOffset(), failed.GetProperty("lastActivity").GetDateTimeOffset());
    }

    [Fact]
    public async Task Status_shows_the_readers_last_cycle_and_the_lag_until_the_provisioner_caught_up()
    {
        var group = $"CN=StatusLag-{Guid.NewGuid():N},DC=corp,DC=example,DC=org";
        var (mapping, _) = await stack.AddMappingAsync(group);

        // Before the reader's first cycle: no cycle, no lag.
        var before = Single(await stack.RunCliAsync("status", mapping.ToString(), "--json"));
        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastCycle").ValueKind);
        Assert.Equal(JsonValueKind.Null, before.GetProperty("lagSeconds").ValueKind);

        // The reader's cycle stored its state (as the ad-reader does after the broker confirmed the messages).
        using var reader = new HttpClient { BaseAddress = new Uri(stack.ConfigUrl) };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stack.ReaderKey);
        using var document = JsonDocument.Parse("{\"mark\":{\"version\":1,\"token\":\"csn-1\"}}");
        var put = await reader.PutAsJsonAsync($"/api/reader-state/{mapping}", new ReaderStateUpdate(document.RootElement.Clone(), "csn-1"));
        Assert.True(put.IsSuccessStatusCode, $"PUT reader-state: {(int)put.StatusCode}");
        var summary = await reader.GetFromJsonAsync<ReaderStateSummary>($"/api/reader-state/{mapping}/summary");
        Assert.Equal(("csn-1", mapping), (summary!.DirectoryVersion, summary.MappingId));

        var waiting = Single(await stack.RunCliAsync("status", mapping.ToString(), "--json"));
        Assert.Equal(summary.UpdatedAt, waiting.GetProperty("lastCycle").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("lastApplied").ValueKind);
        Assert.True(waiting.GetProperty("lagSeconds").GetDouble() >= 0);

        // The provisioner applied a change after that cycle: caught up.
        await stack.WriteLinkAsync($"lag-{Guid.NewGuid():N}", mapping, 901, UserState.Enabled);
        var caughtUp = Single(await stack.RunCliAsync("status", mapping.ToString(), "--json"));
        Assert.Equal(0, caughtUp.GetProperty("lagSeconds").GetDouble());
        Assert.True(caughtUp.GetProperty("lastApplied").GetDateTimeOffset() >= summary.UpdatedAt);

        var table = await stack.RunCliAsync("status", mapping.ToString());
        table.AssertExit(0);
        Assert.Contains("Last cycle", table.Stdout);
        var row = table.Stdout.Split('\n').Single(line => line.StartsWith(mapping.ToString(), StringComparison.Ordinal));
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z\s+0\s+", row);

        // An unknown mapping answers 404; the reader and admin keys may read a summary, the provisioner's may not.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await reader.GetAsync($"/api/reader-state/{Guid.NewGuid()}/summary")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await stack.Provisioner.GetAsync($"/api/reader-state/{mapping}/summary")).StatusCode);
    }

    private static JsonElement Single(CliResult result)
    {
        result.AssertExit(0);
        return result.Json().GetProperty("mappings").EnumerateArray().Single();
    }
}
