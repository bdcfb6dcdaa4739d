using System.Text.Json;
using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Tests.Cli;

[Collection(ConfigStackCollection.Name)]
public sealed class LogCommandTests(ConfigStack stack)
{
    [Fact]
    public async Task Log_filters_by_level_mapping_user_and_time()
    {
        var mapping = (await stack.AddMappingAsync($"CN=Log-{Guid.NewGuid():N},DC=corp,DC=example,DC=org")).Id;
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Info, "provisioner", "updateTechnician", "Updated alice", mapping, "alice-guid"));
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "createTechnician", "Rescue refused bob: INVALID_EMAIL",
            mapping, "bob-guid", "INVALID_EMAIL"));
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Warning, "ad-reader", "readGroup", "Slow LDAP answer", mapping));

        var errors = await stack.RunCliAsync("log", "--mapping", mapping.ToString(), "--level", "Error");
        errors.AssertExit(0);
        Assert.Contains("Rescue refused bob", errors.Stdout);
        Assert.Contains("INVALID_EMAIL", errors.Stdout);
        Assert.DoesNotContain("Updated alice", errors.Stdout);
        Assert.Contains("Entries 1-1 of 1", errors.Stdout);

        var alice = (await stack.RunCliAsync("log", "--mapping", mapping.ToString(), "--user", "alice-guid", "--json")).Json();
        Assert.Equal(1, alice.GetProperty("total").GetInt64());
        Assert.Equal("Updated alice", alice.GetProperty("entries")[0].GetProperty("message").GetString());

        var recent = (await stack.RunCliAsync("log", "--mapping", mapping.ToString(), "--since", "1h", "--json")).Json();
        Assert.Equal(3, recent.GetProperty("total").GetInt64());
        var old = (await stack.RunCliAsync("log", "--mapping", mapping.ToString(), "--until", "1h", "--json")).Json();
        Assert.Equal(0, old.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Log_names_the_person_an_entry_is_about_in_the_table_and_in_json()
    {
        var mapping = (await stack.AddMappingAsync($"CN=Names-{Guid.NewGuid():N},DC=corp,DC=example,DC=org")).Id;
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "setUser_v2", "Rescue refused the email",
            mapping, "carol-guid", "INVALIDPARAM_EMAIL", DisplayName: "Carol Chen", Email: "carol.chen@example.org"));
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Warning, "ad-reader", "read-group", "Slow LDAP answer", mapping));

        var table = await stack.RunCliAsync("log", "--mapping", mapping.ToString());
        table.AssertExit(0);
        var header = table.Stdout.Split('\n')[0];
        Assert.Contains("Name", header);
        var carol = Assert.Single(table.Stdout.Split('\n'), line => line.Contains("Rescue refused the email", StringComparison.Ordinal));
        Assert.Contains("carol-guid", carol);
        Assert.Contains("Carol Chen <carol.chen@example.org>", carol);

        var entries = (await stack.RunCliAsync("log", "--mapping", mapping.ToString(), "--json")).Json().GetProperty("entries");
        Assert.Equal(("Carol Chen", "carol.chen@example.org"),
            (entries[1].GetProperty("displayName").GetString(), entries[1].GetProperty("email").GetString()));
        // An entry about no user names nobody.
        Assert.Equal(JsonValueKind.Null, entries[0].GetProperty("displayName").ValueKind);
        Assert.Equal(JsonValueKind.Null, entries[0].GetProperty("email").ValueKind);
    }

    [Fact]
    public async Task Log_pages_newest_first_and_tells_the_next_skip()
    {
        var mapping = (await stack.AddMappingAsync($"CN=Paging-{Guid.NewGuid():N},DC=corp,DC=example,DC=org")).Id;
        for (var i = 1; i <= 5; i++)
        {
            await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Info, "ad-reader", "poll", $"entry {i}", mapping));
        }

        var first = await stack.RunCliAsync("log", "--mapping", mapping.ToString(), "--take", "2");
        first.AssertExit(0);
        Assert.Contains("entry 5", first.Stdout);
        Assert.Contains("entry 4", first.Stdout);
        Assert.Contains("Entries 1-2 of 5, newest first. Next page: --skip 2.", first.Stdout);

        var second = (await stack.RunCliAsync("log", "--mapping", mapping.ToString(), "--take", "2", "--skip", "2", "--json")).Json();
        Assert.Equal(["entry 3", "entry 2"], second.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Log_follow_prints_entries_written_after_it_started_until_interrupted()
    {
        var mapping = (await stack.AddMappingAsync($"CN=Follow-{Guid.NewGuid():N},DC=corp,DC=example,DC=org")).Id;
        await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Info, "ad-reader", "poll", "before follow", mapping));
        var wroteLater = false;

        var result = await CliRunner.RunAsync(stack.ConfigUrl, stack.AdminKey, stdin: null, until: async output =>
        {
            if (output.Contains("before follow") && !wroteLater)
            {
                wroteLater = true;
                await stack.WriteLogAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "enableTechnician", "after follow", mapping, "carol-guid"));
            }

            return output.Contains("after follow");
        }, "log", "--follow", "--interval", "0.3", "--mapping", mapping.ToString(), "--json");

        result.AssertExit(0);
        var entries = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["before follow", "after follow"], entries.Select(e => e.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Log_with_an_unreadable_since_exits_1_and_shows_the_accepted_forms()
    {
        var result = await stack.RunCliAsync("log", "--since", "yesterday");

        result.AssertExit(1);
        Assert.Contains("--since", result.Stderr);
        Assert.Contains("15m", result.Stderr);
    }

    [Fact]
    public async Task Log_with_too_large_a_page_exits_1()
    {
        var result = await stack.RunCliAsync("log", "--take", "5000");

        result.AssertExit(1);
        Assert.Contains("--take", result.Stderr);
    }
}
