using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
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

    private async Task<Guid> CreateMappingAsync()
    {
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping($"CN=State-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Mapping>())!.Id;
    }

    private Task<HttpResponseMessage> PutAsync(string path, JsonElement document, string? directoryVersion, EntityTagHeaderValue? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(new ReaderStateUpdate(document, directoryVersion)) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(ifMatch);
        }

        return factory.Reader.SendAsync(request);
    }

    /// <summary>A document shaped like the reader's: the shape is the reader's business; it must come back unchanged.</summary>
    private static JsonElement Document(long usn) => JsonSerializer.SerializeToElement(new
    {
        highestCommittedUsn = usn,
        invocationId = "3f2c9a4e-0000-4000-8000-000000000001",
        members = new[] { "a1b2", "c3d4", "ünïcødé-id" },
        nested = new { cookie = Convert.ToBase64String(new byte[] { 1, 2, 3, 255 }), ratio = 0.5 },
    });
}
