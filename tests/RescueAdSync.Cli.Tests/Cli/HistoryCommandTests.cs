using System.Net.Http.Json;
using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Tests.Cli;

[Collection(ConfigStackCollection.Name)]
public sealed class HistoryCommandTests(ConfigStack stack)
{
    private async Task<string> WriteTimelineAsync(string tag)
    {
        var id = Guid.NewGuid().ToString("D");
        var mapping = Guid.NewGuid();
        NewHistoryEntry Entry(HistoryAction action, long version, string name, string email, UserState state = UserState.Enabled,
            string? reason = null, string? nameBefore = null, string? emailBefore = null) =>
            new(action, mapping, id, name, email, $"jdoe{tag}", $"CN={name},OU=Staff,DC=corp,DC=example,DC=org", 7001, version, state, reason,
                nameBefore, emailBefore, "4bf92f3577b34da6a3ce929d0e0e4736");
        var response = await stack.Provisioner.PostAsJsonAsync("/api/history/batch", new[]
        {
            Entry(HistoryAction.Created, 1, $"Jane Doe {tag}", $"jane.{tag}@example.org"),
            Entry(HistoryAction.Updated, 2, $"Jane Roe {tag}", $"jane.roe.{tag}@example.org", nameBefore: $"Jane Doe {tag}", emailBefore: $"jane.{tag}@example.org"),
            Entry(HistoryAction.Disabled, 3, $"Jane Roe {tag}", $"jane.roe.{tag}@example.org", UserState.Deleted, "The user was deleted in the directory."),
        });
        response.EnsureSuccessStatusCode();
        return id;
    }

    [Fact]
    public async Task History_shows_a_users_timeline_newest_first_with_before_and_after_and_the_reason()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await WriteTimelineAsync(tag);

        var result = await stack.RunCliAsync("history", $"jdoe{tag}", "--wide");

        result.AssertExit(0);
        var lines = result.Stdout.Split('\n');
        var disabled = Array.FindIndex(lines, l => l.Contains("Disabled", StringComparison.Ordinal));
        var updated = Array.FindIndex(lines, l => l.Contains("Updated", StringComparison.Ordinal));
        var created = Array.FindIndex(lines, l => l.Contains("Created", StringComparison.Ordinal));
        Assert.True(disabled > 0 && disabled < updated && updated < created, result.Stdout);
        Assert.Contains($"name: Jane Doe {tag} → Jane Roe {tag}", lines[updated]);
        Assert.Contains($"email: jane.{tag}@example.org → jane.roe.{tag}@example.org", lines[updated]);
        Assert.Contains("The user was deleted in the directory.", lines[disabled]);
        Assert.Contains("trace: 4bf92f3577b34da6a3ce929d0e0e4736", lines[disabled]);
        Assert.Contains("Entries 1-3 of 3, newest first.", result.Stdout);
    }

    [Fact]
    public async Task History_json_pages_and_finds_the_user_by_email_or_id_prefix()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var id = await WriteTimelineAsync(tag);

        var page = (await stack.RunCliAsync("history", $"JANE.{tag}@", "--take", "2", "--json")).Json();
        Assert.Equal(3, page.GetProperty("total").GetInt64());
        Assert.Equal(["Disabled", "Updated"], page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()));

        var byId = (await stack.RunCliAsync("history", id[..18], "--skip", "2", "--json")).Json();
        var entry = Assert.Single(byId.GetProperty("entries").EnumerateArray());
        Assert.Equal("Created", entry.GetProperty("action").GetString());
        Assert.Equal(id, entry.GetProperty("directoryUserId").GetString());
    }

    [Fact]
    public async Task History_of_an_unknown_user_says_so_and_exits_0()
    {
        var result = await stack.RunCliAsync("history", $"nobody-{Guid.NewGuid():N}");

        result.AssertExit(0);
        Assert.Contains("No history for 'nobody-", result.Stdout);
    }

    [Theory]
    [InlineData("  ")]
    [InlineData("--take=0")]
    public async Task History_with_a_blank_user_or_a_bad_page_exits_1(string arg)
    {
        var result = arg.StartsWith("--", StringComparison.Ordinal)
            ? await stack.RunCliAsync("history", "someone", arg)
            : await stack.RunCliAsync("history", arg);

        result.AssertExit(1);
        Assert.Contains(arg.StartsWith("--", StringComparison.Ordinal) ? "--take" : "user:", result.Stderr);
    }
}
