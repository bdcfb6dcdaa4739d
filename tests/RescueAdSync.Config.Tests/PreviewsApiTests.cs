using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RescueAdSync.Config.Apis;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Previews;

namespace RescueAdSync.Config.Tests;

public class PreviewsApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private async Task<Mapping> CreateMappingAsync(bool enabled = true)
    {
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings",
            Samples.Mapping($"CN=Preview-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com") with { Enabled = enabled });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Mapping>())!;
    }

    private static async Task<Preview> RequestAsync(HttpClient admin, Guid? mappingId)
    {
        var response = mappingId is null
            ? await admin.PostAsync("/api/previews", null)
            : await admin.PostAsJsonAsync("/api/previews", new NewPreview(mappingId));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var preview = (await response.Content.ReadFromJsonAsync<Preview>())!;
        Assert.EndsWith($"/api/previews/{preview.Id}", response.Headers.Location!.ToString());
        return preview;
    }

    private static UserChanged Change(Guid mappingId, string id, UserState state = UserState.Enabled) =>
        new(mappingId, id, 10, $"Name {id}", $"{id}@example.org", state, $"uid={id},dc=example,dc=org", DateTimeOffset.UtcNow, Guid.NewGuid());

    private static PreviewPlan Plan(Guid mappingId, params PreviewItem[] items) => new(PreviewSummary.Of(items, 3), items);

    [Fact]
    public async Task Preview_goes_from_the_reader_to_the_provisioner_and_is_ready_with_its_plan()
    {
        var mapping = await CreateMappingAsync();
        var preview = await RequestAsync(factory.Admin, mapping.Id);
        Assert.Equal((PreviewStatus.Pending, mapping.Id, "admin-0"), (preview.Status, preview.MappingId, preview.RequestedBy));
        Assert.Equal([mapping.Id], preview.MappingIds);
        Assert.True(preview.ExpiresAt > preview.RequestedAt.AddHours(23));

        var pending = (await factory.Reader.GetFromJsonAsync<PendingPreview[]>("/api/previews/pending"))!;
        Assert.Equal([mapping.Id], pending.Single(p => p.Id == preview.Id).MappingIds);
        // Not Read yet: the provisioner has nothing to plan.
        Assert.Equal(HttpStatusCode.Conflict, (await factory.Provisioner.GetAsync($"/api/previews/{preview.Id}/input")).StatusCode);

        var read = new PreviewMappingRead([Change(mapping.Id, "u1"), Change(mapping.Id, "u2", UserState.OutOfScope)], Unchanged: 3);
        var stored = await factory.Reader.PostAsJsonAsync($"/api/previews/{preview.Id}/mappings/{mapping.Id}", read);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal(PreviewStatus.Read, (await stored.Content.ReadFromJsonAsync<Preview>())!.Status);
        Assert.DoesNotContain((await factory.Reader.GetFromJsonAsync<PendingPreview[]>("/api/previews/pending"))!, p => p.Id == preview.Id);

        var input = (await factory.Provisioner.GetFromJsonAsync<PreviewInput>($"/api/previews/{preview.Id}/input"))!;
        Assert.Equal(["u1", "u2"], input.Mappings[mapping.Id].Changes.Select(c => c.DirectoryUserId));
        Assert.Equal(3, input.Mappings[mapping.Id].Unchanged);

        var plan = Plan(mapping.Id,
            new PreviewItem(PreviewAction.Create, mapping.Id, "u1", "uid=u1", UserState.Enabled, null, null, new TechnicianFields("Name u1", "u1@example.org", true)),
            new PreviewItem(PreviewAction.Disable, mapping.Id, "u2", "uid=u2", UserState.OutOfScope, 77,
                new TechnicianFields("Name u2", "u2@example.org", true), new TechnicianFields("Name u2", "u2@example.org", false)));
        Assert.Equal(HttpStatusCode.OK, (await factory.Provisioner.PostAsJsonAsync($"/api/previews/{preview.Id}/plan", plan)).StatusCode);

        var ready = (await factory.Admin.GetFromJsonAsync<Preview>($"/api/previews/{preview.Id}"))!;
        Assert.Equal(PreviewStatus.Ready, ready.Status);
        Assert.Equal(new PreviewSummary(1, 0, 0, 0, 1, 0, 3), ready.Summary);
        Assert.Equal(plan.Items, ready.Items);
        Assert.NotNull(ready.CompletedAt);

        // A second provisioner (a redelivered message) answers again: the first plan stands.
        await factory.Provisioner.PostAsJsonAsync($"/api/previews/{preview.Id}/plan", new PreviewPlan(null, null, "late failure"));
        Assert.Equal(PreviewStatus.Ready, (await factory.Admin.GetFromJsonAsync<Preview>($"/api/previews/{preview.Id}"))!.Status);

        var log = (await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mapping.Id}"))!;
        Assert.Contains(log, e => e.ErrorCode == "PREVIEW_REQUESTED");
        Assert.Contains(log, e => e.ErrorCode == "PREVIEW_READY" && e.Message.Contains("1 to create") && e.Message.Contains("1 to disable"));
    }

    [Fact]
    public async Task Preview_of_all_mappings_is_read_only_once_every_enabled_mapping_is_and_a_failed_read_fails_it()
    {
        var first = await CreateMappingAsync();
        var second = await CreateMappingAsync();
        var disabled = await CreateMappingAsync(enabled: false);
        var preview = await RequestAsync(factory.Admin, null);
        Assert.Null(preview.MappingId);
        Assert.Contains(first.Id, preview.MappingIds);
        Assert.Contains(second.Id, preview.MappingIds);
        Assert.DoesNotContain(disabled.Id, preview.MappingIds);

        var afterFirst = await factory.Reader.PostAsJsonAsync($"/api/previews/{preview.Id}/mappings/{first.Id}", new PreviewMappingRead([], 2));
        Assert.Equal(PreviewStatus.Pending, (await afterFirst.Content.ReadFromJsonAsync<Preview>())!.Status);
        var left = (await factory.Reader.GetFromJsonAsync<PendingPreview[]>("/api/previews/pending"))!.Single(p => p.Id == preview.Id);
        Assert.DoesNotContain(first.Id, left.MappingIds);
        Assert.Contains(second.Id, left.MappingIds);

        // A mapping the preview does not cover is refused.
        var foreign = await factory.Reader.PostAsJsonAsync($"/api/previews/{preview.Id}/mappings/{disabled.Id}", new PreviewMappingRead([], 0));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);

        // The directory could not be read for the second mapping: the preview fails, naming the mapping and the reason.
        var failed = await factory.Reader.PostAsJsonAsync($"/api/previews/{preview.Id}/mappings/{second.Id}",
            new PreviewMappingRead([], 0, "The group 'CN=x' does not exist."));
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        var state = (await factory.Admin.GetFromJsonAsync<Preview>($"/api/previews/{preview.Id}"))!;
        Assert.Equal(PreviewStatus.Failed, state.Status);
        Assert.Contains($"Reading mapping {second.Id} failed: The group 'CN=x' does not exist.", state.Error);
        Assert.Null(state.Items);
        var csv = await factory.Admin.GetAsync($"/api/previews/{preview.Id}/csv");
        Assert.Equal(HttpStatusCode.Conflict, csv.StatusCode);
    }

    [Fact]
    public async Task Disabled_mapping_can_be_previewed_before_it_is_enabled_and_a_mapping_deleted_meanwhile_fails_the_preview()
    {
        var disabled = await CreateMappingAsync(enabled: false);
        var preview = await RequestAsync(factory.Admin, disabled.Id);
        Assert.Equal([disabled.Id], preview.MappingIds);
        var pending = (await factory.Reader.GetFromJsonAsync<PendingPreview[]>("/api/previews/pending"))!.Single(p => p.Id == preview.Id);
        Assert.Equal([disabled.Id], pending.MappingIds);
        var read = await factory.Reader.PostAsJsonAsync($"/api/previews/{preview.Id}/mappings/{disabled.Id}", new PreviewMappingRead([Change(disabled.Id, "u1")], 0));
        Assert.Equal(PreviewStatus.Read, (await read.Content.ReadFromJsonAsync<Preview>())!.Status);
        Assert.False((await factory.Admin.GetFromJsonAsync<Mapping>($"/api/mappings/{disabled.Id}"))!.Enabled);

        // An all-mappings preview whose mapping is deleted before the reader read it fails, naming the mapping.
        var doomed = await CreateMappingAsync();
        var orphan = await RequestAsync(factory.Admin, null);
        Assert.Contains(doomed.Id, orphan.MappingIds);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin.DeleteAsync($"/api/mappings/{doomed.Id}")).StatusCode);
        Assert.DoesNotContain((await factory.Reader.GetFromJsonAsync<PendingPreview[]>("/api/previews/pending"))!, p => p.Id == orphan.Id);
        var failed = (await factory.Admin.GetFromJsonAsync<Preview>($"/api/previews/{orphan.Id}"))!;
        Assert.Equal(PreviewStatus.Failed, failed.Status);
        Assert.Contains($"Mapping {doomed.Id} was deleted", failed.Error);
    }

    [Fact]
    public async Task Roles_are_enforced()
    {
        var mapping = await CreateMappingAsync();
        var preview = await RequestAsync(factory.Admin, mapping.Id);
        var anonymous = factory.ClientWithKey(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/previews", new NewPreview(mapping.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/previews/{preview.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWithKey("wrong-key-0123456789").GetAsync($"/api/previews/{preview.Id}/csv")).StatusCode);
        foreach (var other in new[] { factory.Reader, factory.Provisioner })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync("/api/previews", new NewPreview(mapping.Id))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/previews/{preview.Id}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/previews/{preview.Id}/csv")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.GetAsync("/api/previews/pending")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Provisioner.GetAsync("/api/previews/pending")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await factory.Provisioner.PostAsJsonAsync($"/api/previews/{preview.Id}/mappings/{mapping.Id}", new PreviewMappingRead([], 0))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Reader.GetAsync($"/api/previews/{preview.Id}/input")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.GetAsync($"/api/previews/{preview.Id}/input")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Reader.GetAsync("/api/previews/technicians/5/link")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await factory.Admin.PostAsJsonAsync($"/api/previews/{preview.Id}/plan", new PreviewPlan(null, null, "x"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await factory.Reader.PostAsJsonAsync($"/api/previews/{preview.Id}/plan", new PreviewPlan(null, null, "x"))).StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_field_errors()
    {
        var unknown = await factory.Admin.PostAsJsonAsync("/api/previews", new NewPreview(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("No such mapping", (await unknown.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>())!.Errors["mappingId"][0]);
        var broken = await factory.Admin.PostAsync("/api/previews", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync($"/api/previews/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync($"/api/previews/{Guid.NewGuid()}/csv")).StatusCode);

        var mapping = await CreateMappingAsync();
        var preview = await RequestAsync(factory.Admin, mapping.Id);
        var format = await factory.Admin.GetAsync($"/api/previews/{preview.Id}?format=xml");
        Assert.Equal(HttpStatusCode.BadRequest, format.StatusCode);
        Assert.Contains("json", (await format.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>())!.Errors["format"][0]);
        var notReady = await factory.Admin.GetAsync($"/api/previews/{preview.Id}?format=csv");
        Assert.Equal(HttpStatusCode.Conflict, notReady.StatusCode);

        var wrongMapping = await factory.Reader.PostAsJsonAsync($"/api/previews/{preview.Id}/mappings/{mapping.Id}",
            new PreviewMappingRead([Change(Guid.NewGuid(), "u1")], 0));
        Assert.Equal(HttpStatusCode.BadRequest, wrongMapping.StatusCode);
        var negative = await factory.Reader.PostAsJsonAsync($"/api/previews/{preview.Id}/mappings/{mapping.Id}", new PreviewMappingRead([], -1));
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        // Planning before the reader read everything is refused, and so is a plan without items.
        Assert.Equal(HttpStatusCode.Conflict,
            (await factory.Provisioner.PostAsJsonAsync($"/api/previews/{preview.Id}/plan", Plan(mapping.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await factory.Provisioner.PostAsJsonAsync($"/api/previews/{preview.Id}/plan", new PreviewPlan(null, null))).StatusCode);
    }

    [Fact]
    public async Task Csv_export_quotes_per_RFC_4180_and_neutralises_spreadsheet_formulas()
    {
        var mapping = await CreateMappingAsync();
        var preview = await RequestAsync(factory.Admin, mapping.Id);
        await factory.Reader.PostAsJsonAsync($"/api/previews/{preview.Id}/mappings/{mapping.Id}", new PreviewMappingRead([], 0));
        var item = new PreviewItem(PreviewAction.Update, mapping.Id, "=HYPERLINK(\"http://evil\")", "cn=Doe\\, John,dc=example", UserState.Enabled, 5,
            new TechnicianFields("@SUM(A1)", "+1@example.org", true), new TechnicianFields("Line\nbreak \"quoted\"", "-2@example.org", true), "note, with comma");
        await factory.Provisioner.PostAsJsonAsync($"/api/previews/{preview.Id}/plan", new PreviewPlan(PreviewSummary.Of([item], 0), [item]));

        var response = await factory.Admin.GetAsync($"/api/previews/{preview.Id}/csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains($"preview-{preview.Id}.csv", response.Content.Headers.ContentDisposition!.ToString());
        var csv = await response.Content.ReadAsStringAsync();
        Assert.Equal(csv, await factory.Admin.GetStringAsync($"/api/previews/{preview.Id}?format=csv"));
        var lines = csv.Split("\r\n");
        Assert.Equal(string.Join(',', PreviewCsv.Header), lines[0]);
        Assert.Equal(
            $"Update,{mapping.Id},\"'=HYPERLINK(\"\"http://evil\"\")\",\"cn=Doe\\, John,dc=example\",Enabled,5," +
            "'@SUM(A1),\"Line\nbreak \"\"quoted\"\"\",'+1@example.org,'-2@example.org,Enabled,Enabled,\"note, with comma\"",
            lines[1]);
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[^1]);
    }

    [Fact]
    public async Task A_preview_nobody_answers_fails_with_the_service_to_check_and_expired_ones_are_gone()
    {
        var mapping = await CreateMappingAsync();
        await using var api = new ClockedConfigApi(factory, DateTimeOffset.UtcNow);
        var time = api.Time;
        var admin = api.Admin;
        var reader = api.Reader;

        var unread = await RequestAsync(admin, mapping.Id);
        var unplanned = await RequestAsync(admin, mapping.Id);
        await reader.PostAsJsonAsync($"/api/previews/{unplanned.Id}/mappings/{mapping.Id}", new PreviewMappingRead([], 1));
        time.Advance(PreviewsApi.AnswerTimeout + TimeSpan.FromSeconds(1));

        var stale = (await admin.GetFromJsonAsync<Preview>($"/api/previews/{unread.Id}"))!;
        Assert.Equal(PreviewStatus.Failed, stale.Status);
        Assert.Contains("ad-reader did not read the mappings within 15 minutes", stale.Error);
        Assert.DoesNotContain((await reader.GetFromJsonAsync<PendingPreview[]>("/api/previews/pending"))!, p => p.Id == unread.Id);
        var noPlan = (await admin.GetFromJsonAsync<Preview>($"/api/previews/{unplanned.Id}"))!;
        Assert.Contains("No provisioner computed the plan", noPlan.Error);

        time.Advance(PreviewsApi.Retention);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/previews/{unread.Id}")).StatusCode);
    }
}
