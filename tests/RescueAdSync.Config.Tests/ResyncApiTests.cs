using System.Net;
using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Tests;

public class ResyncApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private async Task<Mapping> CreateMappingAsync()
    {
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping($"CN=Resync-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Mapping>())!;
    }

    [Fact]
    public async Task Resync_is_requested_once_seen_by_the_reader_with_its_mapping_and_reported_done()
    {
        var mapping = await CreateMappingAsync();

        var requested = await factory.Admin.PostAsync($"/api/mappings/{mapping.Id}/resync", null);
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var request = (await requested.Content.ReadFromJsonAsync<ResyncRequest>())!;
        Assert.Equal((ResyncStatus.Pending, "admin-0"), (request.Status, request.RequestedBy));

        // Asking again while it waits answers the same request: one resync, not two.
        var again = await factory.Admin.PostAsync($"/api/mappings/{mapping.Id}/resync", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(request.Id, (await again.Content.ReadFromJsonAsync<ResyncRequest>())!.Id);
        Assert.Equal(request.Id, (await factory.Reader.GetFromJsonAsync<Mapping[]>("/api/mappings"))!.Single(m => m.Id == mapping.Id).ResyncRequestId);

        var done = await factory.Reader.PostAsJsonAsync($"/api/resync-requests/{request.Id}/done", new ResyncCompletion(42));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var completed = (await factory.Admin.GetFromJsonAsync<ResyncRequest>($"/api/resync-requests/{request.Id}"))!;
        Assert.Equal((ResyncStatus.Done, 42), (completed.Status, completed.Published));
        Assert.NotNull(completed.CompletedAt);
        Assert.Null((await factory.Reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}"))!.ResyncRequestId);
        Assert.Equal(HttpStatusCode.OK, (await factory.Reader.PostAsJsonAsync($"/api/resync-requests/{request.Id}/done", new ResyncCompletion(42))).StatusCode);

        var log = (await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping.Id}"))!.Select(e => e.ErrorCode).ToList();
        Assert.Contains("RESYNC_REQUESTED", log);
        Assert.Contains("RESYNC_DONE", log);
    }

    [Fact]
    public async Task Only_admins_request_only_the_reader_completes_and_bad_input_is_refused()
    {
        var mapping = await CreateMappingAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Reader.PostAsync($"/api/mappings/{mapping.Id}/resync", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Provisioner.PostAsync($"/api/mappings/{mapping.Id}/resync", null)).StatusCode);
        var unknown = await factory.Admin.PostAsync($"/api/mappings/{Guid.NewGuid()}/resync", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No such mapping", await unknown.Content.ReadAsStringAsync());

        var request = (await (await factory.Admin.PostAsync($"/api/mappings/{mapping.Id}/resync", null)).Content.ReadFromJsonAsync<ResyncRequest>())!;
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.PostAsJsonAsync($"/api/resync-requests/{request.Id}/done", new ResyncCompletion(1))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.Reader.PostAsJsonAsync($"/api/resync-requests/{request.Id}/done", new ResyncCompletion(-1))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Reader.PostAsJsonAsync($"/api/resync-requests/{Guid.NewGuid()}/done", new ResyncCompletion(1))).StatusCode);
        Assert.Equal(ResyncStatus.Pending, (await factory.Admin.GetFromJsonAsync<ResyncRequest>($"/api/resync-requests/{request.Id}"))!.Status);
    }
}
