using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RescueAdSync.Config.Apis;
using RescueAdSync.Config.Data;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

public class ReaderStateApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    [Fact]
    public async Task State_is_created_without_if_match_then_only_updated_with_the_current_etag()
    {
        var mappingId = await CreateMappingAsync();
        var path = $"/api/reader-state/{mappingId}";
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Reader.GetAsync(path)).StatusCode);

        var created = await PutAsync(path, Document(usn: 100), "inv-1:100", ifMatch: null);
        Assert.Equal(HttpStatusCode.NoContent, created.StatusCode);
        var firstETag = created.Headers.ETag!;

        var read = await factory.Reader.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(firstETag, read.Headers.ETag);
        var state = await read.Content.ReadFromJsonAsync<ReaderState>();
        Assert.NotNull(state);
        Assert.Equal(mappingId, state.MappingId);
        Assert.Equal("inv-1:100", state.DirectoryVersion);
        Assert.True(JsonElement.DeepEquals(Document(usn: 100), state.Document), state.Document.GetRawText());
        Assert.True(state.UpdatedAt > DateTimeOffset.UnixEpoch);

        // A second "create" must not silently overwrite what another reader stored.
        Assert.Equal((HttpStatusCode)428, (await PutAsync(path, Document(usn: 1), "inv-1:1", ifMatch: null)).StatusCode);

        var updated = await PutAsync(path, Document(usn: 200), "inv-1:200", firstETag);
        Assert.Equal(HttpStatusCode.NoContent, updated.StatusCode);
        Assert.NotEqual(firstETag, updated.Headers.ETag);

        // The first ETag is stale now: 412, and the stored state stays the newer one.
        var stale = await PutAsync(path, Document(usn: 150), "inv-1:150", firstETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        state = await factory.Admin.GetFromJsonAsync<ReaderState>(path);
        Assert.Equal("inv-1:200", state!.DirectoryVersion);

        // Polling with If-None-Match costs a 304 while nothing changed.
        var poll = new HttpRequestMessage(HttpMethod.Get, path);
        poll.Headers.IfNoneMatch.Add(updated.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await factory.Reader.SendAsync(poll)).StatusCode);
    }

    [Fact]
    public async Task Admin_delete_forces_a_full_reread_and_the_old_etag_never_matches_again()
    {
        var mappingId = await CreateMappingAsync();
        var path = $"/api/reader-state/{mappingId}";
        var etag = (await PutAsync(path, Document(usn: 5), "5", ifMatch: null)).Headers.ETag!;

        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin.DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Reader.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.DeleteAsync(path)).StatusCode);

        // A reader that did not notice the delete cannot write its old state back over the forced re-read.
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await PutAsync(path, Document(usn: 6), "6", etag)).StatusCode);
        var recreated = await PutAsync(path, Document(usn: 1), "1", ifMatch: null);
        Assert.Equal(HttpStatusCode.NoContent, recreated.StatusCode);
        Assert.NotEqual(etag, recreated.Headers.ETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await PutAsync(path, Document(usn: 7), "7", etag)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_writers_with_the_same_etag_have_exactly_one_winner()
    {
        var mappingId = await CreateMappingAsync();
        var path = $"/api/reader-state/{mappingId}";
        var etag = (await PutAsync(path, Document(usn: 0), "0", ifMatch: null)).Headers.ETag!;

        var responses = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => PutAsync(path, Document(usn: i), $"{i}", etag)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.NoContent);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.PreconditionFailed, r.StatusCode.ToString()));
        var winner = responses.Single(r => r.StatusCode == HttpStatusCode.NoContent);
        Assert.Equal(winner.Headers.ETag, (await factory.Reader.GetAsync(path)).Headers.ETag);
    }

    [Fact]
    public async Task Concurrent_first_writes_have_exactly_one_winner()
    {
        var mappingId = await CreateMappingAsync();
        var path = $"/api/reader-state/{mappingId}";

        var responses = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => PutAsync(path, Document(usn: i), $"{i}", ifMatch: null)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.NoContent);
        Assert.All(responses, r => Assert.True(
            r.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.PreconditionFailed or (HttpStatusCode)428, r.StatusCode.ToString()));
    }

    [Fact]
    public async Task State_for_an_unknown_mapping_is_404_and_deleting_a_mapping_deletes_its_state()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await PutAsync($"/api/reader-state/{Guid.NewGuid()}", Document(usn: 1), "1", ifMatch: null)).StatusCode);

        var mappingId = await CreateMappingAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await PutAsync($"/api/reader-state/{mappingId}", Document(usn: 1), "1", ifMatch: null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin.DeleteAsync($"/api/mappings/{mappingId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Reader.GetAsync($"/api/reader-state/{mappingId}")).StatusCode);
    }

    [Fact]
    public async Task Invalid_bodies_are_400_with_field_errors()
    {
        var path = $"/api/reader-state/{await CreateMappingAsync()}";

        var notJson = await factory.Reader.PutAsync(path, new StringContent("{\"document\": {", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.True((await notJson.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("body", out _));

        var noDocument = await factory.Reader.PutAsync(path, new StringContent("{\"directoryVersion\": \"1\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, noDocument.StatusCode);
        Assert.True((await noDocument.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("document", out _));

        var longVersion = await PutAsync(path, Document(usn: 1), new string('9', 257), ifMatch: null);
        Assert.Equal(HttpStatusCode.BadRequest, longVersion.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Reader.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Oversized_state_is_refused_with_413_and_nothing_is_stored()
    {
        var path = $"/api/reader-state/{await CreateMappingAsync()}";
        // One byte over the default 64 MiB limit: a JSON string of that many characters plus its quotes.
        var body = new StringBuilder(64 * 1024 * 1024 + 64).Append("{\"document\":\"")
            .Append('x', 64 * 1024 * 1024 - 1).Append("\",\"directoryVersion\":\"1\"}").ToString();

        var response = await factory.Reader.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("64", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Reader.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Known_users_are_rows_read_back_page_by_page_in_id_order()
    {
        var mappingId = await CreateMappingAsync();
        var path = $"/api/reader-state/{mappingId}";
        var users = Users(0, 2500);
        var etag = (await PutAsync(path, Document(usn: 1), "1", ifMatch: null, users)).Headers.ETag!;

        var head = await factory.Reader.GetFromJsonAsync<ReaderState>(path);
        Assert.Equal(2500, head!.UserCount);
        Assert.True(JsonElement.DeepEquals(Document(usn: 1), head.Document));

        var read = new List<ReaderStateUser>();
        string? after = null;
        var pages = 0;
        do
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"{path}/users?limit=1000" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}"));
            request.Headers.IfMatch.Add(etag);
            var response = await factory.Reader.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<ReaderStateUsersPage>())!;
            Assert.True(page.Users.Count <= 1000);
            read.AddRange(page.Users);
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(users.OrderBy(u => u.Id, StringComparer.Ordinal), read);
    }

    [Fact]
    public async Task A_cycle_write_changes_only_the_rows_it_names_however_large_the_state()
    {
        var mappingId = await CreateMappingAsync();
        var path = $"/api/reader-state/{mappingId}";
        var etag = (await PutAsync(path, Document(usn: 1), "1", ifMatch: null, Users(0, 20_000))).Headers.ETag!;

        // Ten changes: four changed, three new, three forgotten.
        var changed = Users(100, 4).Select(u => u with { State = UserState.Disabled, Version = 2 }).Concat(Users(20_000, 3)).ToList();
        var removed = Users(200, 3).Select(u => u.Id).ToList();
        var response = await PutAsync(path, Document(usn: 2), "2", etag, changed, removed);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConfigDbContext>();
        var revision = await db.ReaderStates.Where(s => s.MappingId == mappingId).Select(s => s.Revision).SingleAsync();
        var written = await db.ReaderStateUsers.Where(u => u.MappingId == mappingId && u.Revision == revision).Select(u => u.UserId).ToListAsync();
        Assert.Equal(changed.Select(u => u.Id).Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));
        Assert.Equal(20_000, await db.ReaderStateUsers.CountAsync(u => u.MappingId == mappingId));
        Assert.Empty(await db.ReaderStateUsers.Where(u => u.MappingId == mappingId && removed.Contains(u.UserId)).ToListAsync());
        var stored = await db.ReaderStateUsers.SingleAsync(u => u.MappingId == mappingId && u.UserId == changed[0].Id);
        Assert.Equal(changed[0], new ReaderStateUser(stored.UserId, stored.DisplayName, stored.Email, stored.DistinguishedName, stored.State, stored.Version));
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_writes_no_row_at_all()
    {
        var mappingId = await CreateMappingAsync();
        var path = $"/api/reader-state/{mappingId}";
        var first = (await PutAsync(path, Document(usn: 1), "1", ifMatch: null, Users(0, 10))).Headers.ETag!;
        var second = (await PutAsync(path, Document(usn: 2), "2", first, Users(10, 1))).Headers.ETag!;

        // A reader that lost its lease still holds the first ETag.
        var stale = await PutAsync(path, Document(usn: 3), "3", first, Users(0, 2).Select(u => u with { State = UserState.Deleted }).ToList(),
            [Users(5, 1)[0].Id]);

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var head = await factory.Reader.GetAsync(path);
        Assert.Equal(second, head.Headers.ETag);
        Assert.Equal("2", (await head.Content.ReadFromJsonAsync<ReaderState>())!.DirectoryVersion);
        var page = (await factory.Reader.GetFromJsonAsync<ReaderStateUsersPage>($"{path}/users"))!;
        Assert.Equal(Users(0, 11).OrderBy(u => u.Id, StringComparer.Ordinal), page.Users);
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task A_page_read_with_an_etag_older_than_the_state_is_412()
    {
        var mappingId = await CreateMappingAsync();
        var path = $"/api/reader-state/{mappingId}";
        var first = (await PutAsync(path, Document(usn: 1), "1", ifMatch: null, Users(0, 3))).Headers.ETag!;
        var second = (await PutAsync(path, Document(usn: 2), "2", first, Users(3, 1))).Headers.ETag!;

        var stale = new HttpRequestMessage(HttpMethod.Get, $"{path}/users");
        stale.Headers.IfMatch.Add(first);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await factory.Reader.SendAsync(stale)).StatusCode);
        var current = new HttpRequestMessage(HttpMethod.Get, $"{path}/users?limit=2");
        current.Headers.IfMatch.Add(second);
        var page = await factory.Reader.SendAsync(current);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(2, (await page.Content.ReadFromJsonAsync<ReaderStateUsersPage>())!.Users.Count);

        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin.DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Reader.GetAsync($"{path}/users")).StatusCode);
        var afterReset = new HttpRequestMessage(HttpMethod.Get, $"{path}/users");
        afterReset.Headers.IfMatch.Add(second);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await factory.Reader.SendAsync(afterReset)).StatusCode);
    }

    [Fact]
    public async Task Admin_reset_forgets_the_known_users_too()
    {
        var mappingId = await CreateMappingAsync();
        var path = $"/api/reader-state/{mappingId}";
        await PutAsync(path, Document(usn: 1), "1", ifMatch: null, Users(0, 50));

        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin.DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await PutAsync(path, Document(usn: 1), "1", ifMatch: null)).StatusCode);

        Assert.Equal(0, (await factory.Reader.GetFromJsonAsync<ReaderState>(path))!.UserCount);
        Assert.Empty((await factory.Reader.GetFromJsonAsync<ReaderStateUsersPage>($"{path}/users"))!.Users);
    }

    [Fact]
    public async Task Invalid_user_rows_and_page_parameters_are_400_naming_the_field()
    {
        var path = $"/api/reader-state/{await CreateMappingAsync()}";
        var alice = Users(0, 1)[0];

        async Task AssertRefusedAsync(string body, string field, string expected)
        {
            var response = await factory.Reader.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out var messages), errors.GetRawText());
            Assert.Contains(expected, messages.GetRawText(), StringComparison.Ordinal);
        }

        string Body(object users, object? removed = null, object? document = null) => JsonSerializer.Serialize(
            new { document = document ?? new { usn = 1 }, directoryVersion = "1", users, removedUsers = removed }, JsonSerializerOptions.Web);

        await AssertRefusedAsync(Body(new[] { alice, alice }), "users[1].id", "listed twice");
        await AssertRefusedAsync(Body(new[] { alice with { Id = "" } }), "users[0].id", "Required");
        await AssertRefusedAsync(Body(new[] { alice with { Id = new string('x', 257) } }), "users[0].id", "256");
        await AssertRefusedAsync(Body(new[] { alice with { Version = -1 } }), "users[0].version", "negative");
        await AssertRefusedAsync(Body(new[] { new { id = "a", displayName = "A", email = "a@x", state = "Enabled", version = 1 } }),
            "users[0].distinguishedName", "Required");
        await AssertRefusedAsync(Body(new[] { alice }, new[] { alice.Id }), "removedUsers[0]", "both written and removed");
        await AssertRefusedAsync(Body(Array.Empty<object>(), document: new { usn = 1, users = new { a = 1 } }), "document", "rows");
        await AssertRefusedAsync(Body(new[] { new { id = "a", displayName = "A", email = "a@x", distinguishedName = "cn=a", state = "Gone", version = 1 } }),
            "body", "Not valid JSON");

        Assert.Equal(HttpStatusCode.NotFound, (await factory.Reader.GetAsync(path)).StatusCode);
        foreach (var query in new[] { "limit=0", $"limit={ReaderStateApi.MaxPageSize + 1}", $"after={new string('x', 257)}" })
        {
            var response = await factory.Reader.GetAsync($"{path}/users?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty(query.Split('=')[0], out _), errors.GetRawText());
        }
    }

    private async Task<Guid> CreateMappingAsync()
    {
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping($"CN=State-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Mapping>())!.Id;
    }

    private Task<HttpResponseMessage> PutAsync(string path, JsonElement document, string? directoryVersion, EntityTagHeaderValue? ifMatch,
        IReadOnlyList<ReaderStateUser>? users = null, IReadOnlyList<string>? removed = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path)
        {
            Content = JsonContent.Create(new ReaderStateUpdate(document, directoryVersion, users, removed)),
        };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(ifMatch);
        }

        return factory.Reader.SendAsync(request);
    }

    /// <summary>Users numbered from <paramref name="first"/>, ids as the directory makes them (GUID strings), unicode names.</summary>
    private static List<ReaderStateUser> Users(int first, int count) => [.. Enumerable.Range(first, count).Select(i => new ReaderStateUser(
        new Guid(i, 0, 0, new byte[8]).ToString(), $"Üser {i}", $"user{i}@example.com", $"CN=User {i},OU=People,DC=example,DC=com", UserState.Enabled, 1000 + i))];

    /// <summary>A document shaped like the reader's: the shape is the reader's business; it must come back unchanged.</summary>
    private static JsonElement Document(long usn) => JsonSerializer.SerializeToElement(new
    {
        highestCommittedUsn = usn,
        invocationId = "3f2c9a4e-0000-4000-8000-000000000001",
        members = new[] { "a1b2", "c3d4", "ünïcødé-id" },
        nested = new { cookie = Convert.ToBase64String(new byte[] { 1, 2, 3, 255 }), ratio = 0.5 },
    });
}
