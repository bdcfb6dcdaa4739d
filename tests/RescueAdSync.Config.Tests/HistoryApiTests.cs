using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RescueAdSync.Config.Apis;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

public class HistoryApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private static readonly Guid Mapping = Guid.Parse("0196d5a0-0000-7000-8000-000000000001");

    private static string NewId() => Guid.NewGuid().ToString("D");

    private static NewHistoryEntry Entry(string id, HistoryAction action, string name, string email, string? login = null, long version = 1,
        string? reason = null, string? nameBefore = null) =>
        new(action, Mapping, id, name, email, login, $"CN={name},OU=Staff,DC=example,DC=com", 4242, version, UserState.Enabled, reason, nameBefore,
            TraceId: "0af7651916cd43dd8448eb211c80319c");

    private async Task<HistoryEntry[]> QueryAsync(string user, string extra = "")
    {
        var response = await factory.Admin.GetAsync($"/api/history?user={Uri.EscapeDataString(user)}{extra}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<HistoryEntry[]>())!;
    }

    private async Task PutLinkAsync(string id, long version, NewHistoryEntry? history, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await factory.Provisioner.PutAsJsonAsync($"/api/links/{id}", Samples.Link(id, version) with { History = history });
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task An_entry_written_with_its_link_is_found_by_name_email_login_and_id_prefix()
    {
        var id = NewId();
        var tag = Guid.NewGuid().ToString("N")[..10];
        await PutLinkAsync(id, 5, Entry(id, HistoryAction.Updated, $"Ada Lovelace {tag}", $"ada.{tag}@example.com", $"alove{tag}", 5,
            nameBefore: "Ada Byron"));

        foreach (var term in new[] { $"lovelace {tag}", $"ADA.{tag}@EXAMPLE", $"alove{tag}", id[..13], id.ToUpperInvariant() })
        {
            var entry = Assert.Single(await QueryAsync(term));
            Assert.Equal(HistoryAction.Updated, entry.Action);
            Assert.Equal(id, entry.DirectoryUserId);
            Assert.Equal("Ada Byron", entry.NameBefore);
            Assert.Equal($"Ada Lovelace {tag}", entry.DisplayName);
            Assert.Equal($"alove{tag}", entry.Login);
            Assert.Equal($"CN=Ada Lovelace {tag},OU=Staff,DC=example,DC=com", entry.DistinguishedName);
            Assert.Equal(4242, entry.TechnicianNodeId);
            Assert.Equal(5, entry.Version);
            Assert.Equal("0af7651916cd43dd8448eb211c80319c", entry.TraceId);
        }

        // A part of the id that is not its start is no match: ids are searched by prefix only.
        Assert.Empty(await QueryAsync(id[9..20]));
    }

    [Fact]
    public async Task A_link_write_refused_as_stale_stores_no_entry_and_one_without_an_entry_stores_none()
    {
        var id = NewId();
        await PutLinkAsync(id, 10, null);
        await PutLinkAsync(id, 9, Entry(id, HistoryAction.Disabled, "Refused Write", "refused@example.com", version: 9), HttpStatusCode.Conflict);
        Assert.Empty(await QueryAsync(id));
    }

    [Fact]
    public async Task A_batch_of_link_writes_stores_the_entries_of_the_stored_links_only()
    {
        var (stored, refused) = (NewId(), NewId());
        await PutLinkAsync(refused, 10, null);
        var response = await factory.Provisioner.PostAsJsonAsync("/api/links/batch", new[]
        {
            Samples.Link(stored, 3) with { History = Entry(stored, HistoryAction.Created, "Batch Stored", "stored@example.com", version: 3) },
            Samples.Link(refused, 2) with { History = Entry(refused, HistoryAction.Created, "Batch Refused", "refused@example.com", version: 2) },
        });
        var results = (await response.Content.ReadFromJsonAsync<LinkWriteResult[]>())!;
        Assert.Equal([200, 409], results.Select(r => r.Status));
        Assert.Equal(HistoryAction.Created, Assert.Single(await QueryAsync(stored)).Action);
        Assert.Empty(await QueryAsync(refused));
    }

    [Fact]
    public async Task Skipped_and_stale_entries_arrive_in_batches_and_read_newest_first_with_paging()
    {
        var id = NewId();
        var response = await factory.Provisioner.PostAsJsonAsync("/api/history/batch", new[]
        {
            Entry(id, HistoryAction.Skipped, "Paged User", "paged@example.com", version: 1, reason: "The mapping is disabled."),
            Entry(id, HistoryAction.Stale, "Paged User", "paged@example.com", version: 2, reason: "Version 2 is older than version 3."),
            Entry(id, HistoryAction.Skipped, "Paged User", "paged@example.com", version: 4, reason: "no name"),
        });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.Equal([4L, 2, 1], (await QueryAsync(id)).Select(e => e.Version));
        var page = await factory.Admin.GetAsync($"/api/history?user={id}&skip=1&take=1");
        Assert.Equal("3", page.Headers.GetValues("X-Total-Count").Single());
        var entry = Assert.Single((await page.Content.ReadFromJsonAsync<HistoryEntry[]>())!);
        Assert.Equal(HistoryAction.Stale, entry.Action);
        Assert.Equal("Version 2 is older than version 3.", entry.Reason);
    }

    [Fact]
    public async Task Like_wildcards_and_quotes_in_the_query_are_matched_literally()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (literal, lookalike, quoted) = (NewId(), NewId(), NewId());
        await factory.Provisioner.PostAsJsonAsync("/api/history/batch", new[]
        {
            Entry(literal, HistoryAction.Skipped, $"Sale 50%_off {tag}", $"sale.{tag}@example.com"),
            Entry(lookalike, HistoryAction.Skipped, $"Sale 50xyoff {tag}", $"other.{tag}@example.com"),
            Entry(quoted, HistoryAction.Skipped, $"Conan O'Brien \"{tag}\" \\", $"conan.{tag}@example.com"),
        });

        Assert.Equal(literal, Assert.Single(await QueryAsync($"50%_off {tag}")).DirectoryUserId);
        Assert.Empty(await QueryAsync($"%{tag}x"));
        Assert.Empty(await QueryAsync($"__%%{tag}"));
        Assert.Equal(quoted, Assert.Single(await QueryAsync($"o'brien \"{tag}\" \\")).DirectoryUserId);
        Assert.Empty(await QueryAsync($"'; DELETE FROM user_history; -- {tag}"));
        Assert.Single(await QueryAsync($"o'brien \"{tag}\""));
    }

    [Fact]
    public async Task An_unknown_user_is_an_empty_list_not_404()
    {
        var response = await factory.Admin.GetAsync($"/api/history?user=nobody-{Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0", response.Headers.GetValues("X-Total-Count").Single());
        Assert.Empty((await response.Content.ReadFromJsonAsync<HistoryEntry[]>())!);
    }

    [Theory]
    [InlineData("", "user")]
    [InlineData("user=", "user")]
    [InlineData("user=%20%20", "user")]
    [InlineData("user=a&take=0", "take")]
    [InlineData("user=a&take=501", "take")]
    [InlineData("user=a&skip=-1", "skip")]
    public async Task Bad_query_is_refused_with_400_naming_the_parameter(string query, string field)
    {
        var response = await factory.Admin.GetAsync($"/api/history?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_query_longer_than_any_stored_value_is_refused_with_400()
    {
        var response = await factory.Admin.GetAsync($"/api/history?user={new string('a', HistoryApi.MaxUserLength + 1)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"At most {HistoryApi.MaxUserLength} characters.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_admins_read_and_only_provisioners_write_the_history()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Provisioner.GetAsync("/api/history?user=a")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Reader.GetAsync("/api/history?user=a")).StatusCode);
        var entry = new[] { Entry(NewId(), HistoryAction.Skipped, "Role Test", "role@example.com") };
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Reader.PostAsJsonAsync("/api/history/batch", entry)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.PostAsJsonAsync("/api/history/batch", entry)).StatusCode);
    }

    [Fact]
    public async Task An_empty_or_invalid_batch_is_refused_and_nothing_is_stored()
    {
        var id = NewId();
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.Provisioner.PostAsJsonAsync("/api/history/batch", Array.Empty<NewHistoryEntry>())).StatusCode);
        var response = await factory.Provisioner.PostAsJsonAsync("/api/history/batch", new[]
        {
            Entry(id, HistoryAction.Skipped, "Half Batch", "half@example.com"),
            Entry(id, HistoryAction.Skipped, "Half Batch", "half@example.com") with { MappingId = Guid.Empty },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("[1].mappingId", await response.Content.ReadAsStringAsync());
        Assert.Empty(await QueryAsync(id));
    }

    [Fact]
    public async Task Entries_older_than_the_sync_log_retention_are_pruned()
    {
        var (old, recent) = (NewId(), NewId());
        var now = DateTimeOffset.UtcNow;
        // Stored by a config service whose clock says 91 days ago, then read by one whose retention (90 days) runs at start.
        await using (var earlier = new ClockedConfigApi(factory, now.AddDays(-91)))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await earlier.Provisioner.PostAsJsonAsync("/api/history/batch",
                new[] { Entry(old, HistoryAction.Created, "Old Entry", "old@example.com") })).StatusCode);
        }

        await factory.Provisioner.PostAsJsonAsync("/api/history/batch", new[] { Entry(recent, HistoryAction.Created, "Recent Entry", "recent@example.com") });
        await using var later = new ClockedConfigApi(factory, now);
        var admin = later.Admin;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await admin.GetFromJsonAsync<HistoryEntry[]>($"/api/history?user={old}"))!.Length > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The entry older than the retention was not pruned within 30 s.");
            await Task.Delay(100);
        }

        Assert.Single((await admin.GetFromJsonAsync<HistoryEntry[]>($"/api/history?user={recent}"))!);
    }
}
