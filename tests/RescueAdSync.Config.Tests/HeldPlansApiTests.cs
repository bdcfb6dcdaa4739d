using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Tests;

public class HeldPlansApiTests(ConfigApiFactory factory) : IClassFixture<ConfigApiFactory>
{
    private async Task<Mapping> CreateMappingAsync(MappingSettings? settings = null)
    {
        var response = await factory.Admin.PostAsJsonAsync("/api/mappings",
            settings ?? Samples.Mapping($"CN=Held-{Guid.NewGuid():N},OU=Groups,DC=example,DC=com"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Mapping>())!;
    }

    private static NewHeldPlan Plan(Guid mappingId, int disables = 3) => new(
        mappingId, "The cycle would disable 3 of 4 enabled technicians.", disables, 4, disables + 1,
        [.. Enumerable.Range(0, disables).Select(i => new PlannedChange($"user-{i}", $"CN=u{i},DC=example,DC=com", $"User {i}", $"u{i}@example.com",
            UserState.OutOfScope, UserState.Enabled))],
        Guid.NewGuid());

    private async Task<HeldPlan> HoldAsync(Guid mappingId)
    {
        var response = await factory.Reader.PostAsJsonAsync("/api/held-plans", Plan(mappingId));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<HeldPlan>())!;
    }

    private async Task<SyncLogEntry[]> LogOfAsync(Guid mappingId) =>
        (await factory.Admin.GetFromJsonAsync<SyncLogEntry[]>($"/api/sync-log?mappingId={mappingId}"))!;

    [Fact]
    public async Task Mapping_has_guard_defaults_and_takes_validated_thresholds()
    {
        var defaults = await CreateMappingAsync();
        Assert.Equal((MassChangeGuardDefaults.MaxDisables, MassChangeGuardDefaults.MaxDisablePercent),
            (defaults.GuardMaxDisables, defaults.GuardMaxDisablePercent));

        var strict = await CreateMappingAsync(new MappingSettings($"CN=Strict-{Guid.NewGuid():N},DC=example,DC=com", 42, GuardMaxDisables: 0, GuardMaxDisablePercent: 5));
        Assert.Equal((0, 5), (strict.GuardMaxDisables, strict.GuardMaxDisablePercent));

        var bad = await factory.Admin.PostAsJsonAsync("/api/mappings",
            new MappingSettings($"CN=Bad-{Guid.NewGuid():N},DC=example,DC=com", 42, GuardMaxDisables: -1, GuardMaxDisablePercent: 0));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("guardMaxDisables", out _));
        Assert.True(errors.TryGetProperty("guardMaxDisablePercent", out _));
    }

    [Fact]
    public async Task Held_plan_is_listed_with_its_mapping_approved_once_and_applied_by_the_reader()
    {
        var mapping = await CreateMappingAsync();
        var plan = await HoldAsync(mapping.Id);
        Assert.Equal(HeldPlanStatus.Held, plan.Status);
        Assert.Equal(3, plan.Changes.Count);

        // A second hold while one is open is refused and names the open plan.
        var second = await factory.Reader.PostAsJsonAsync("/api/held-plans", Plan(mapping.Id));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(plan.Id, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("planId").GetGuid());

        // The reader learns it from the mappings it reads every cycle.
        var listed = (await factory.Reader.GetFromJsonAsync<Mapping[]>("/api/mappings"))!.Single(m => m.Id == mapping.Id);
        Assert.Equal((plan.Id, HeldPlanStatus.Held), (listed.OpenPlanId, listed.OpenPlanStatus));
        var open = (await factory.Admin.GetFromJsonAsync<HeldPlan[]>($"/api/held-plans?open=true&mappingId={mapping.Id}"))!;
        Assert.Equal([plan.Id], open.Select(p => p.Id));
        Assert.Empty(open[0].Changes); // lists stay small; GET by id has the changes
        Assert.Equal(3, (await factory.Admin.GetFromJsonAsync<HeldPlan>($"/api/held-plans/{plan.Id}"))!.Changes.Count);

        // The reader cannot apply what nobody approved.
        Assert.Equal(HttpStatusCode.Conflict, (await factory.Reader.PostAsync($"/api/held-plans/{plan.Id}/applied", null)).StatusCode);

        var approved = await factory.Admin.PostAsync($"/api/held-plans/{plan.Id}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decided = (await approved.Content.ReadFromJsonAsync<HeldPlan>())!;
        Assert.Equal(HeldPlanStatus.Approved, decided.Status);
        Assert.Equal("admin-0", decided.DecidedBy);
        Assert.NotNull(decided.DecidedAt);
        Assert.Equal(HeldPlanStatus.Approved, (await factory.Reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}"))!.OpenPlanStatus);

        // Once decided, it cannot be decided the other way.
        Assert.Equal(HttpStatusCode.Conflict, (await factory.Admin.PostAsync($"/api/held-plans/{plan.Id}/reject", null)).StatusCode);

        var applied = await factory.Reader.PostAsync($"/api/held-plans/{plan.Id}/applied", null);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(HeldPlanStatus.Applied, (await applied.Content.ReadFromJsonAsync<HeldPlan>())!.Status);
        Assert.Equal(HttpStatusCode.OK, (await factory.Reader.PostAsync($"/api/held-plans/{plan.Id}/applied", null)).StatusCode); // repeated: harmless
        var after = (await factory.Reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}"))!;
        Assert.Null(after.OpenPlanId);
        Assert.Null(after.OpenPlanStatus);

        var codes = (await LogOfAsync(mapping.Id)).Select(e => e.ErrorCode).ToList();
        Assert.Equal(1, codes.Count(c => c == "GUARD_HELD"));
        Assert.Contains("GUARD_APPROVED", codes);
        Assert.Contains("GUARD_APPLIED", codes);
        var held = (await LogOfAsync(mapping.Id)).Single(e => e.ErrorCode == "GUARD_HELD");
        Assert.Equal(SyncLogLevel.Warning, held.Level);
        Assert.Contains($"adsync approve {plan.Id}", held.Message);
    }

    [Fact]
    public async Task Rejected_plan_frees_the_mapping_for_a_new_hold()
    {
        var mapping = await CreateMappingAsync();
        var plan = await HoldAsync(mapping.Id);

        var rejected = await factory.Admin.PostAsync($"/api/held-plans/{plan.Id}/reject", null);

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal(HeldPlanStatus.Rejected, (await rejected.Content.ReadFromJsonAsync<HeldPlan>())!.Status);
        Assert.Null((await factory.Reader.GetFromJsonAsync<Mapping>($"/api/mappings/{mapping.Id}"))!.OpenPlanStatus);
        Assert.Equal(HttpStatusCode.Conflict, (await factory.Admin.PostAsync($"/api/held-plans/{plan.Id}/approve", null)).StatusCode);
        Assert.Contains("GUARD_REJECTED", (await LogOfAsync(mapping.Id)).Select(e => e.ErrorCode));
        // The directory still looks the same: the reader holds it again.
        var again = await HoldAsync(mapping.Id);
        Assert.NotEqual(plan.Id, again.Id);
        var all = (await factory.Admin.GetFromJsonAsync<HeldPlan[]>($"/api/held-plans?mappingId={mapping.Id}"))!;
        Assert.Equal([again.Id, plan.Id], all.Select(p => p.Id));
        Assert.Equal([plan.Id], (await factory.Admin.GetFromJsonAsync<HeldPlan[]>($"/api/held-plans?mappingId={mapping.Id}&status=Rejected"))!.Select(p => p.Id));
    }

    [Fact]
    public async Task Only_admins_decide_and_only_the_reader_holds_or_applies()
    {
        var mapping = await CreateMappingAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.PostAsJsonAsync("/api/held-plans", Plan(mapping.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Provisioner.PostAsJsonAsync("/api/held-plans", Plan(mapping.Id))).StatusCode);
        var plan = await HoldAsync(mapping.Id);

        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Reader.PostAsync($"/api/held-plans/{plan.Id}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Provisioner.PostAsync($"/api/held-plans/{plan.Id}/reject", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Provisioner.GetAsync("/api/held-plans")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWithKey(null).PostAsync($"/api/held-plans/{plan.Id}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Admin.PostAsync($"/api/held-plans/{plan.Id}/applied", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.PostAsync($"/api/held-plans/{Guid.NewGuid()}/approve", null)).StatusCode);
        Assert.Equal(HeldPlanStatus.Held, (await factory.Admin.GetFromJsonAsync<HeldPlan>($"/api/held-plans/{plan.Id}"))!.Status);
    }

    [Fact]
    public async Task Bad_plans_and_queries_get_field_errors()
    {
        var unknownMapping = await factory.Reader.PostAsJsonAsync("/api/held-plans", Plan(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.BadRequest, unknownMapping.StatusCode);
        Assert.True((await unknownMapping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("mappingId", out _));

        var mapping = await CreateMappingAsync();
        var bad = await factory.Reader.PostAsJsonAsync("/api/held-plans", Plan(mapping.Id) with { Reason = " ", Disables = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("reason", out _));
        Assert.True(errors.TryGetProperty("disables", out _));

        Assert.Equal(HttpStatusCode.BadRequest, (await factory.Admin.GetAsync("/api/held-plans?take=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await factory.Admin.GetAsync("/api/held-plans?status=Maybe")).StatusCode);
    }

    [Fact]
    public async Task Deleting_a_mapping_takes_its_plans_along()
    {
        var mapping = await CreateMappingAsync();
        var plan = await HoldAsync(mapping.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin.DeleteAsync($"/api/mappings/{mapping.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await factory.Admin.GetAsync($"/api/held-plans/{plan.Id}")).StatusCode);
    }

    [Fact]
    public async Task Concurrent_holds_of_one_mapping_store_one_plan_and_answer_the_others_409_without_an_error_log()
    {
        for (var round = 0; round < 5; round++)
        {
            var mapping = await CreateMappingAsync();
            var logged = factory.Logs.Lines.Count;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var holds = Enumerable.Range(0, 20).Select(async _ =>
            {
                using var reader = factory.Reader;
                await start.Task;
                return await reader.PostAsJsonAsync("/api/held-plans", Plan(mapping.Id));
            }).ToArray();
            start.SetResult();
            var responses = await Task.WhenAll(holds);

            var errors = factory.Logs.Lines.Skip(logged).Where(line => line.StartsWith("Error ", StringComparison.Ordinal) || line.StartsWith("Critical ", StringComparison.Ordinal)).ToList();
            Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.Created) == 1 && responses.Count(r => r.StatusCode == HttpStatusCode.Conflict) == 19,
                $"{string.Join(", ", responses.Select(r => (int)r.StatusCode))}\n{string.Join('\n', errors)}");
            var created = responses.Single(r => r.StatusCode == HttpStatusCode.Created);
            var winner = (await created.Content.ReadFromJsonAsync<HeldPlan>())!.Id;
            foreach (var conflict in responses.Where(r => r != created))
            {
                var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(winner, problem.GetProperty("planId").GetGuid());
            }

            var open = (await factory.Admin.GetFromJsonAsync<HeldPlan[]>($"/api/held-plans?mappingId={mapping.Id}&open=true"))!;
            Assert.Equal(winner, Assert.Single(open).Id);
            Assert.Single(await LogOfAsync(mapping.Id), e => e.ErrorCode == "GUARD_HELD");
            // A lost race is an answer, not a failure: nothing at Error for anyone alerting on the logs.
            Assert.Empty(errors);
        }
    }
}
