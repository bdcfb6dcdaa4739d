using System.Net;
using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

public class SyncLogApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private static NewSyncLogEntry Entry(SyncLogLevel level, string message, Guid? mapping = null, string? user = null) =>
        new(level, "provisioner", "setUser_v2", message, mapping, user, level == SyncLogLevel.Error ? "INVALID_SECRETKEY" : null, WillRetry: true);

    [Fact]
    public async Task Every_role_can_append_and_gets_the_stored_entry_back()
    {
        foreach (var client in new[] { factory.Reader, factory.Provisioner, factory.Admin })
        {
            var response = await client.PostAsJsonAsync("/api/sync-log", Entry(SyncLogLevel.Info, "append"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var entry = await response.Content.ReadFromJsonAsync<SyncLogEntry>();
            Assert.True(entry!.Id > 0);
            Assert.Equal("append", entry.Message);
        }
    }

    [Fact]
    public async Task Filters_by_level_mapping_user_and_time_newest_first_with_paging()
    {
        var mapping = Guid.NewGuid();
        var user = "user-" + Guid.NewGuid().ToString("N");
        await using var api = new ClockedConfigApi(factory, DateTimeOffset.UtcNow);
        var provisioner = api.Provisioner;
        async Task Write(NewSyncLogEntry entry)
        {
            api.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.Created, (await provisioner.PostAsJsonAsync("/api/sync-log", entry)).StatusCode);
        }

        var start = api.Time.GetUtcNow();
        await Write(Entry(SyncLogLevel.Info, "first", mapping, user));
        await Write(Entry(SyncLogLevel.Error, "second", mapping, user));
        api.Time.Advance(TimeSpan.FromSeconds(1));
        var middle = api.Time.GetUtcNow();
        await Write(Entry(SyncLogLevel.Error, "third", mapping));
        await Write(Entry(SyncLogLevel.Warning, "fourth", mapping, user));
        await Write(Entry(SyncLogLevel.Error, "other mapping", Guid.NewGuid(), user));

        async Task<string[]> Query(string query) =>
            (await api.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping}&{query}"))!.Select(e => e.Message).ToArray();

        Assert.Equal(["fourth", "third", "second", "first"], await Query(""));
        Assert.Equal(["third", "second"], await Query("level=Error"));
        Assert.Equal(["fourth", "second", "first"], await Query($"directoryUserId={user}"));
        Assert.Equal(["fourth", "third"], await Query($"from={Uri.EscapeDataString(middle.ToString("O"))}"));
        Assert.Equal(["second", "first"], await Query($"from={Uri.EscapeDataString(start.ToString("O"))}&to={Uri.EscapeDataString(middle.ToString("O"))}"));
        Assert.Equal(["third", "second"], await Query("skip=1&take=2"));

        var response = await api.Admin.GetAsync($"/api/sync-log?mappingId={mapping}&take=1");
        Assert.Equal("4", response.Headers.GetValues("X-Total-Count").Single());
        var entry = Assert.Single((await response.Content.ReadFromJsonAsync<SyncLogEntry[]>())!);
        Assert.Equal(SyncLogLevel.Warning, entry.Level);
        Assert.Equal(user, entry.DirectoryUserId);
        Assert.True(entry.WillRetry);
    }

    [Fact]
    public async Task Entry_about_a_user_is_stored_and_read_back_with_the_users_name_and_email_and_other_entries_without()
    {
        var mapping = Guid.NewGuid();
        var user = Guid.NewGuid().ToString("D");
        var about = await factory.Provisioner.PostAsJsonAsync("/api/sync-log",
            Entry(SyncLogLevel.Error, "Rescue refused the email", mapping, user) with { DisplayName = " Zoë Ångström ", Email = "zoe.angstrom@example.org" });
        Assert.Equal(HttpStatusCode.Created, about.StatusCode);
        Assert.Equal(("Zoë Ångström", "zoe.angstrom@example.org"),
            (await about.Content.ReadFromJsonAsync<SyncLogEntry>()) is { } created ? (created.DisplayName, created.Email) : default);
        await factory.Reader.PostAsJsonAsync("/api/sync-log", Entry(SyncLogLevel.Warning, "LDAP answered slowly", mapping));
        await factory.Reader.PostAsJsonAsync("/api/sync-log", Entry(SyncLogLevel.Warning, "blank name", mapping) with { DisplayName = "  ", Email = "" });

        var read = (await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping}"))!;

        Assert.Equal([("blank name", null, null), ("LDAP answered slowly", null, null), ("Rescue refused the email", "Zoë Ångström", "zoe.angstrom@example.org")],
            read.Select(e => (e.Message, e.DisplayName, e.Email)));
        var json = await factory.Admin.GetStringAsync($"/api/sync-log?mappingId={mapping}&level=Error");
        Assert.Contains("\"displayName\":\"Zoë Ångström\"", json, StringComparison.Ordinal);
        Assert.Contains("\"email\":\"zoe.angstrom@example.org\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("displayName", "Ann\nInjected line", "control characters")]
    [InlineData("displayName", "Ann\u0000", "control characters")]
    [InlineData("email", "ann@example.org\r\n", "control characters")]
    [InlineData("displayName", "257", "At most 256 characters")]
    [InlineData("email", "321", "At most 320 characters")]
    public async Task Name_or_email_with_control_characters_or_too_long_is_refused_with_400_naming_the_field(string field, string value, string problem)
    {
        var mapping = Guid.NewGuid();
        // A number stands for a value of that many characters.
        var text = int.TryParse(value, out var length) ? new string('a', length) : value;
        var entry = Entry(SyncLogLevel.Error, "refused", mapping, "u-1");
        entry = field == "email" ? entry with { Email = text } : entry with { DisplayName = text };

        var response = await factory.Provisioner.PostAsJsonAsync("/api/sync-log", entry);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("errors");
        Assert.Contains(problem, errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Empty((await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping}"))!);
    }

    [Theory]
    [InlineData("take=501")]
    [InlineData("take=0")]
    [InlineData("skip=-1")]
    [InlineData("from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z")]
    public async Task Out_of_range_query_is_refused_with_400(string query)
    {
        var response = await factory.Admin.GetAsync($"/api/sync-log?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Entry_without_message_is_refused_and_not_stored()
    {
        var before = (await factory.Admin.GetAsync("/api/sync-log?take=1")).Headers.GetValues("X-Total-Count").Single();
        var response = await factory.Provisioner.PostAsJsonAsync("/api/sync-log", new NewSyncLogEntry(SyncLogLevel.Error, "", "", ""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, (await factory.Admin.GetAsync("/api/sync-log?take=1")).Headers.GetValues("X-Total-Count").Single());
    }

    [Fact]
    public async Task Secret_pasted_into_an_entry_is_masked_before_it_is_stored()
    {
        await factory.Admin.PutAsJsonAsync("/api/rescue-account", Samples.Account());
        var response = await factory.Provisioner.PostAsJsonAsync("/api/sync-log",
            Entry(SyncLogLevel.Error, $"call failed: authcode={Samples.ServiceToken}&pwd={Samples.DefaultPassword}"));

        var entry = await response.Content.ReadFromJsonAsync<SyncLogEntry>();
        Assert.Equal("call failed: authcode=***&pwd=***", entry!.Message);
        var all = await factory.Admin.GetStringAsync("/api/sync-log?take=500");
        Assert.DoesNotContain(Samples.ServiceToken, all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Appending_counts_the_entry_in_the_metrics()
    {
        await factory.Reader.PostAsJsonAsync("/api/sync-log", new NewSyncLogEntry(SyncLogLevel.Warning, "ad-reader", "read-group", "slow"));
        var metrics = await factory.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("adsync_sync_log_entries_total{level=\"warning\",source=\"ad-reader\"}", metrics, StringComparison.Ordinal);
    }
}
