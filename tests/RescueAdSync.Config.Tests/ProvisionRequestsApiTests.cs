using System.Net;
using System.Net.Http.Json;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Tests;

public class ProvisionRequestsApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private async Task<Mapping> CreateMappingAsync()
    {
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings", Samples.Mapping($"CN=Provision-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Mapping>())!;
    }

    private async Task<ProvisionRequest> RequestAsync(Mapping mapping, string user)
    {
        var response = await factory.Admin.PostAsJsonAsync("/api/provision-requests", new NewProvisionRequest(user, mapping.Id));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ProvisionRequest>())!;
    }

    [Fact]
    public async Task Request_is_seen_by_the_reader_with_its_mapping_then_published_and_done()
    {
        var mapping = await CreateMappingAsync();
        var request = await RequestAsync(mapping, "  jdoe ");
        Assert.Equal((ProvisionStatus.Pending, "jdoe", "admin-0", mapping.Id), (request.Status, request.User, request.RequestedBy, request.MappingId));

        var seen = (await factory.Reader.GetFromJsonAsync<Mapping[]>("/api/mappings"))!.Single(m => m.Id == mapping.Id);
        Assert.Equal([new PendingProvision(request.Id, "jdoe")], seen.ProvisionRequests!);

        var published = await factory.Reader.PostAsJsonAsync($"/api/provision-requests/{request.Id}/published", new ProvisionPublished("0a1b-uuid"));
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Null((await factory.Reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}"))!.ProvisionRequests);
        var state = (await factory.Provisioner.GetFromJsonAsync<ProvisionRequest>($"/api/provision-requests/{request.Id}"))!;
        Assert.Equal((ProvisionStatus.Published, "0a1b-uuid"), (state.Status, state.DirectoryUserId));

        var result = await factory.Provisioner.PostAsJsonAsync($"/api/provision-requests/{request.Id}/result", new ProvisionOutcome("Created", 4711));
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var done = (await factory.Admin.GetFromJsonAsync<ProvisionRequest>($"/api/provision-requests/{request.Id}"))!;
        Assert.Equal((ProvisionStatus.Done, "Created", 4711L, (string?)null), (done.Status, done.Outcome, done.TechnicianNodeId, done.Error));
        Assert.NotNull(done.CompletedAt);

        // A redelivered message reports again: the first result stands.
        await factory.Provisioner.PostAsJsonAsync($"/api/provision-requests/{request.Id}/result", new ProvisionOutcome("Unchanged", 4711));
        Assert.Equal("Created", (await factory.Admin.GetFromJsonAsync<ProvisionRequest>($"/api/provision-requests/{request.Id}"))!.Outcome);

        var log = (await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping.Id}"))!.Select(e => e.ErrorCode).ToList();
        Assert.Contains("PROVISION_REQUESTED", log);
        Assert.Contains("PROVISION_DONE", log);
    }

    [Fact]
    public async Task The_result_entry_in_the_sync_log_names_the_user_as_the_history_last_recorded_them()
    {
        var mapping = await CreateMappingAsync();
        var userId = Guid.NewGuid().ToString("D");
        var request = await RequestAsync(mapping, "lmartin");
        (await factory.Reader.PostAsJsonAsync($"/api/provision-requests/{request.Id}/published", new ProvisionPublished(userId))).EnsureSuccessStatusCode();
        (await factory.Provisioner.PostAsJsonAsync("/api/history/batch", new[]
        {
            new NewHistoryEntry(HistoryAction.Skipped, mapping.Id, userId, "Lena Martin", "lena.martin@example.org", "lmartin", null, null, 3,
                UserState.Enabled, "nothing to do"),
        })).EnsureSuccessStatusCode();

        (await factory.Provisioner.PostAsJsonAsync($"/api/provision-requests/{request.Id}/result", new ProvisionOutcome("Unchanged", 4712))).EnsureSuccessStatusCode();

        var done = Assert.Single((await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping.Id}"))!,
            e => e.ErrorCode == "PROVISION_DONE");
        Assert.Equal((userId, "Lena Martin", "lena.martin@example.org"), (done.DirectoryUserId, done.DisplayName, done.Email));
    }

    [Fact]
    public async Task Unknown_user_reported_by_the_reader_fails_the_request_with_the_reason()
    {
        var mapping = await CreateMappingAsync();
        var request = await RequestAsync(mapping, "nobody");
        var failed = await factory.Reader.PostAsJsonAsync($"/api/provision-requests/{request.Id}/failed", new ProvisionFailure("No user 'nobody' in the directory."));
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        var state = (await factory.Admin.GetFromJsonAsync<ProvisionRequest>($"/api/provision-requests/{request.Id}"))!;
        Assert.Equal((ProvisionStatus.Failed, "No user 'nobody' in the directory."), (state.Status, state.Error));
        Assert.Null((await factory.Reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}"))!.ProvisionRequests);
        // Finished stays finished.
        await factory.Reader.PostAsJsonAsync($"/api/provision-requests/{request.Id}/published", new ProvisionPublished("x"));
        Assert.Equal(ProvisionStatus.Failed, (await factory.Admin.GetFromJsonAsync<ProvisionRequest>($"/api/provision-requests/{request.Id}"))!.Status);
        var log = (await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping.Id}"))!;
        Assert.Contains(log, e => e.ErrorCode == "PROVISION_FAILED" && e.Message.Contains("nobody"));
    }

    [Fact]
    public async Task Roles_are_enforced_and_bad_input_is_refused_with_field_errors()
    {
        var mapping = await CreateMappingAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWithKey(null).PostAsJsonAsync("/api/provision-requests", new NewProvisionRequest("jdoe", mapping.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Reader.PostAsJsonAsync("/api/provision-requests", new NewProvisionRequest("jdoe", mapping.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Provisioner.PostAsJsonAsync("/api/provision-requests", new NewProvisionRequest("jdoe", mapping.Id))).StatusCode);

        var empty = await factory.Admin.PostAsJsonAsync("/api/provision-requests", new NewProvisionRequest(" ", mapping.Id));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("\"user\"", await empty.Content.ReadAsStringAsync());
        var control = await factory.Admin.PostAsJsonAsync("/api/provision-requests", new NewProvisionRequest("a\u0000b", mapping.Id));
        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
        var unknownMapping = await factory.Admin.PostAsJsonAsync("/api/provision-requests", new NewProvisionRequest("jdoe", Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.BadRequest, unknownMapping.StatusCode);
        Assert.Contains("No such mapping", await unknownMapping.Content.ReadAsStringAsync());

        var request = await RequestAsync(mapping, "jdoe");
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.PostAsJsonAsync($"/api/provision-requests/{request.Id}/published", new ProvisionPublished("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Reader.PostAsJsonAsync($"/api/provision-requests/{request.Id}/result", new ProvisionOutcome("Created", 1))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.PostAsJsonAsync($"/api/provision-requests/{request.Id}/failed", new ProvisionFailure("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.Provisioner.PostAsJsonAsync($"/api/provision-requests/{request.Id}/result", new ProvisionOutcome("", 1))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.Reader.PostAsJsonAsync($"/api/provision-requests/{request.Id}/failed", new ProvisionFailure(" "))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Provisioner.PostAsJsonAsync($"/api/provision-requests/{Guid.NewGuid()}/result", new ProvisionOutcome("Created", 1))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync($"/api/provision-requests/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(ProvisionStatus.Pending, (await factory.Admin.GetFromJsonAsync<ProvisionRequest>($"/api/provision-requests/{request.Id}"))!.Status);
    }
}
