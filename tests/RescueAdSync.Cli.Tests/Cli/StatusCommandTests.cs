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
}
