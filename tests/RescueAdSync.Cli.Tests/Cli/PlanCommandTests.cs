using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using RescueAdSync.Cli.Tests.Infrastructure;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Cli.Tests.Cli;

/// <summary>
/// The operator's side of the mass-change guard through the built CLI against a running config service. The plan is
/// stored with the reader's key exactly as the ad-reader stores it; the reader's part (holding, applying) runs against
/// real directories in the integration tests.
/// </summary>
[Collection(ConfigStackCollection.Name)]
public sealed class PlanCommandTests(ConfigStack stack) : IDisposable
{
    private readonly HttpClient _reader = new() { BaseAddress = new Uri(stack.ConfigUrl) };

    private async Task<(Guid Mapping, Guid Plan)> HoldAsync()
    {
        var (mapping, _) = await stack.AddMappingAsync($"CN=Guard-{Guid.NewGuid():N},DC=corp,DC=example,DC=org");
        _reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stack.ReaderKey);
        var response = await _reader.PostAsJsonAsync("/api/held-plans", new NewHeldPlan(mapping,
            "The cycle would disable 3 of 4 enabled technicians, more than the mapping's limit of 2 (guardMaxDisables).", 3, 4, 3,
            [
                new PlannedChange("u-1", "CN=Ann,DC=corp", "Ann Archer", "ann@example.org", UserState.OutOfScope, UserState.Enabled),
                new PlannedChange("u-2", "CN=Bob,DC=corp", "Bob Baker", "bob@example.org", UserState.Deleted, UserState.Enabled),
                new PlannedChange("u-3", "CN=Cid,DC=corp", "Cid Cole", "cid@example.org", UserState.Disabled, UserState.Enabled),
            ], Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (mapping, (await response.Content.ReadFromJsonAsync<HeldPlan>())!.Id);
    }

    [Fact]
    public async Task Operator_lists_a_held_plan_sees_it_in_status_and_approves_it_until_the_reader_applied_it()
    {
        var (mapping, plan) = await HoldAsync();

        var list = await stack.RunCliAsync("plans", "--mapping", mapping.ToString());
        list.AssertExit(0);
        Assert.Matches($@"{plan}\s+{mapping}\s+Held\s+3\s+4\s+3\s", list.Stdout);

        var details = await stack.RunCliAsync("plans", plan.ToString());
        details.AssertExit(0);
        Assert.Contains("more than the mapping's limit of 2", details.Stdout);
        Assert.Matches(@"u-2\s+Bob Baker\s+bob@example.org\s+Enabled\s+Deleted\s", details.Stdout);

        var status = await stack.RunCliAsync("status", mapping.ToString());
        status.AssertExit(0);
        Assert.Contains($"HELD: the mass-change guard holds", status.Stdout);
        Assert.Contains($"adsync plans {plan}", status.Stdout);
        Assert.Equal("Held", (await stack.RunCliAsync("status", mapping.ToString(), "--json")).Json()
            .GetProperty("mappings")[0].GetProperty("mapping").GetProperty("openPlanStatus").GetString());

        // The reader's part, as it does it: once approved, its next cycle applies the plan.
        var readerCycle = Task.Run(async () =>
        {
            for (var i = 0; i < 600; i++)
            {
                var current = await _reader.GetFromJsonAsync<HeldPlan>($"/api/held-plans/{plan}");
                if (current!.Status == HeldPlanStatus.Approved)
                {
                    (await _reader.PostAsync($"/api/held-plans/{plan}/applied", null)).EnsureSuccessStatusCode();
                    return;
                }

                await Task.Delay(100);
            }
        });
        var approve = await stack.RunCliAsync("approve", plan.ToString(), "--json", "--timeout", "120");
        await readerCycle;

        approve.AssertExit(0);
        Assert.Equal("Applied", approve.Json().GetProperty("status").GetString());
        Assert.Contains("waiting for the reader", approve.Stderr);
        Assert.DoesNotContain(stack.AdminKey, approve.Stdout + approve.Stderr);
        var after = await stack.RunCliAsync("plans", "--mapping", mapping.ToString());
        Assert.Contains("No plan is held", after.Stdout);
        var all = await stack.RunCliAsync("plans", "--all", "--mapping", mapping.ToString(), "--json");
        Assert.Equal("Applied", all.Json()[0].GetProperty("status").GetString());

        // Deciding twice is a conflict the operator is told about.
        var again = await stack.RunCliAsync("reject", plan.ToString());
        again.AssertExit(1);
        Assert.Contains("The plan is Applied", again.Stderr);
    }

    [Fact]
    public async Task Approve_without_a_running_reader_times_out_with_a_clear_message_and_reject_discards_a_plan()
    {
        var (_, waiting) = await HoldAsync();
        var timedOut = await stack.RunCliAsync("approve", waiting.ToString(), "--timeout", "2");
        timedOut.AssertExit(6);
        Assert.Contains("the reader has not applied it within 2 s", timedOut.Stderr);

        var (mapping, plan) = await HoldAsync();
        var reject = await stack.RunCliAsync("reject", plan.ToString());
        reject.AssertExit(0);
        Assert.Contains("rejected: nothing of it was applied", reject.Stdout);
        Assert.Matches(@"\sok\s*$", (await stack.RunCliAsync("status", mapping.ToString())).Stdout.Split('\n')
            .Single(line => line.StartsWith(mapping.ToString(), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Bad_plan_ids_and_unknown_plans_get_usage_and_not_found_exit_codes()
    {
        var bad = await stack.RunCliAsync("approve", "not-a-guid");
        bad.AssertExit(1);
        Assert.Contains("is not a plan id", bad.Stderr);
        (await stack.RunCliAsync("reject", Guid.NewGuid().ToString())).AssertExit(3);
        (await stack.RunCliAsync("approve", "--timeout", "0", Guid.NewGuid().ToString())).AssertExit(1);
        var guard = await stack.RunCliAsync("mapping", "add", "--group", $"CN=G-{Guid.NewGuid():N},DC=corp", "--technician-group", "1",
            "--guard-max-percent", "0");
        guard.AssertExit(1);
        Assert.Contains("guardMaxDisablePercent", guard.Stderr);
    }

    [Fact]
    public async Task Mapping_update_keeps_guard_thresholds_unless_given()
    {
        var (mapping, _) = await stack.AddMappingAsync($"CN=Thresholds-{Guid.NewGuid():N},DC=corp,DC=example,DC=org");
        (await stack.RunCliAsync("mapping", "update", mapping.ToString(), "--guard-max-disables", "7", "--guard-max-percent", "30")).AssertExit(0);

        var updated = await stack.RunCliAsync("mapping", "update", mapping.ToString(), "--mobile-addon", "true", "--json");

        updated.AssertExit(0);
        Assert.Equal(7, updated.Json().GetProperty("guardMaxDisables").GetInt32());
        Assert.Equal(30, updated.Json().GetProperty("guardMaxDisablePercent").GetInt32());
    }

    public void Dispose() => _reader.Dispose();
}
