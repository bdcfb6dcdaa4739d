using System.CommandLine;
using System.Diagnostics;
using RescueAdSync.Cli.Output;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Cli.Commands;

/// <summary>
/// <c>adsync plans [id]</c>, <c>adsync approve &lt;id&gt;</c>, <c>adsync reject &lt;id&gt;</c>: the cycles the mass-change
/// guard held (rule 10, docs/rules.md), and the operator's decision on them.
/// </summary>
public static class PlanCommands
{
    private const string What = "Held plan";

    public static IEnumerable<Command> Create(CommandRunner runner) => [Plans(runner), Approve(runner), Reject(runner)];

    private static Guid ParsePlanId(string? value) =>
        Guid.TryParse(value, out var id)
            ? id
            : throw new CliException(ExitCodes.Usage, $"plan-id: '{value}' is not a plan id (a GUID, see 'adsync plans').");

    private static Command Plans(CommandRunner runner)
    {
        var id = new Argument<string?>("plan-id") { Description = "Show this plan with its changes (default: list the plans).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Also list decided plans (applied, rejected); default: only open ones." };
        var mapping = new Option<string?>("--mapping") { Description = "Only this mapping's plans." };
        var plans = new Command("plans", "Plans held by the mass-change guard: what a cycle would have done, waiting for 'adsync approve' or 'adsync reject'.")
        {
            id, all, mapping,
        };
        runner.SetAction(plans, async (parse, context, ct) =>
        {
            if (parse.GetValue(id) is { } given)
            {
                var plan = (await context.Api.GetAsync<HeldPlan>($"api/held-plans/{ParsePlanId(given)}", What, ct)).Value;
                WriteOne(context, plan);
                return ExitCodes.Ok;
            }

            var query = parse.GetValue(all) ? "take=500" : "open=true&take=500";
            if (parse.GetValue(mapping) is { } mappingId)
            {
                query += $"&mappingId={MappingCommands.ParseId("--mapping", mappingId)}";
            }

            var list = (await context.Api.GetAsync<HeldPlan[]>($"api/held-plans?{query}", "Held plans", ct)).Value;
            if (context.Json)
            {
                context.WriteJson(list);
                return ExitCodes.Ok;
            }

            var table = new TextTable("ID", "Mapping", "Status", "Disables", "Enabled before", "Changes", "Held at", "Decided by");
            foreach (var p in list)
            {
                table.Add(p.Id.ToString(), p.MappingId.ToString(), p.Status.ToString(), Formats.Number(p.Disables), Formats.Number(p.EnabledMembers),
                    Formats.Number(p.TotalChanges), Formats.Time(p.CreatedAt), p.DecidedBy ?? "-");
            }

            table.WriteTo(context.Out);
            context.Note(list.Length == 0
                ? "No plan is held: every mapping is synchronized normally."
                : $"{list.Length} plan(s). Details: adsync plans <id>; decide: adsync approve <id> | adsync reject <id>.");
            return ExitCodes.Ok;
        });
        return plans;
    }

    private static Command Approve(CommandRunner runner)
    {
        var id = new Argument<string>("plan-id") { Description = "The held plan (see 'adsync plans')." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once approved, without waiting for the reader to apply it." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the reader to apply the plan (1-3600).", DefaultValueFactory = _ => 300 };
        var approve = new Command("approve",
            "Approve a held plan: the reader runs the mapping once without the guard, from the directory as it is then, and the plan becomes Applied.")
        {
            id, noWait, timeout,
        };
        runner.SetAction(approve, async (parse, context, ct) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds is < 1 or > 3600)
            {
                throw new CliException(ExitCodes.Usage, "--timeout: must be between 1 and 3600.");
            }

            var planId = ParsePlanId(parse.GetValue(id));
            var plan = (await context.Api.SendAsync<HeldPlan>(HttpMethod.Post, $"api/held-plans/{planId}/approve", new { }, ifMatch: null, What, ct)).Value;
            if (!parse.GetValue(noWait) && plan.Status == HeldPlanStatus.Approved)
            {
                plan = await WaitAppliedAsync(context, plan, TimeSpan.FromSeconds(seconds), ct);
            }

            WriteDecision(context, plan);
            return ExitCodes.Ok;
        });
        return approve;
    }

    private static Command Reject(CommandRunner runner)
    {
        var id = new Argument<string>("plan-id") { Description = "The held plan (see 'adsync plans')." };
        var reject = new Command("reject",
            "Reject a held plan: nothing of it is applied and the mapping resumes. Fix the directory first: if it still looks the same, the guard holds it again.")
        {
            id,
        };
        runner.SetAction(reject, async (parse, context, ct) =>
        {
            var planId = ParsePlanId(parse.GetValue(id));
            var plan = (await context.Api.SendAsync<HeldPlan>(HttpMethod.Post, $"api/held-plans/{planId}/reject", new { }, ifMatch: null, What, ct)).Value;
            WriteDecision(context, plan);
            return ExitCodes.Ok;
        });
        return reject;
    }

    /// <summary>Polls until the reader applied the plan; a progress line on stderr, so stdout stays clean for --json.</summary>
    private static async Task<HeldPlan> WaitAppliedAsync(CliContext context, HeldPlan plan, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var interactive = !Console.IsErrorRedirected;
        var lastReport = TimeSpan.Zero;
        context.Error.WriteLine($"Plan {plan.Id} approved; waiting for the reader's next cycle to apply it (up to {timeout.TotalSeconds:0} s)...");
        while (plan.Status == HeldPlanStatus.Approved)
        {
            if (clock.Elapsed >= timeout)
            {
                if (interactive)
                {
                    context.Error.WriteLine();
                }

                throw new CliException(ExitCodes.Timeout,
                    $"Plan {plan.Id} is approved but the reader has not applied it within {timeout.TotalSeconds:0} s. Is the ad-reader running (adsync status, its /health/ready)? "
                    + $"It applies the plan at its next cycle; check again with 'adsync plans {plan.Id}'.");
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            plan = (await context.Api.GetAsync<HeldPlan>($"api/held-plans/{plan.Id}", What, ct)).Value;
            if (interactive)
            {
                context.Error.Write($"\r  {plan.Status} after {clock.Elapsed.TotalSeconds:0} s ");
            }
            else if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                context.Error.WriteLine($"  still {plan.Status} after {clock.Elapsed.TotalSeconds:0} s");
            }
        }

        if (interactive)
        {
            context.Error.WriteLine();
        }

        return plan;
    }

    private static void WriteDecision(CliContext context, HeldPlan plan)
    {
        if (context.Json)
        {
            context.WriteJson(plan);
            return;
        }

        context.Out.WriteLine(plan.Status switch
        {
            HeldPlanStatus.Applied => $"Plan {plan.Id} applied: the mapping's changes were published and it is synchronized normally again.",
            HeldPlanStatus.Approved => $"Plan {plan.Id} approved: the reader applies it at its next cycle.",
            HeldPlanStatus.Rejected => $"Plan {plan.Id} rejected: nothing of it was applied; the mapping resumes (and is held again if the directory still looks the same).",
            _ => $"Plan {plan.Id} is {plan.Status}.",
        });
    }

    private static void WriteOne(CliContext context, HeldPlan plan)
    {
        if (context.Json)
        {
            context.WriteJson(plan);
            return;
        }

        var table = new TextTable("Plan", "Value");
        table.Add("ID", plan.Id.ToString());
        table.Add("Mapping", plan.MappingId.ToString());
        table.Add("Status", plan.Status.ToString());
        table.Add("Reason", plan.Reason);
        table.Add("Disables", Formats.Number(plan.Disables));
        table.Add("Enabled before", Formats.Number(plan.EnabledMembers));
        table.Add("Changes", Formats.Number(plan.TotalChanges));
        table.Add("Held at", Formats.Time(plan.CreatedAt));
        table.Add("Decided", plan.DecidedAt is null ? "-" : $"{Formats.Time(plan.DecidedAt)} by {plan.DecidedBy}");
        table.Add("Applied", Formats.Time(plan.AppliedAt));
        table.WriteTo(context.Out);
        context.Out.WriteLine();
        var changes = new TextTable("User id", "Name", "Email", "Before", "After", "DN");
        foreach (var c in plan.Changes)
        {
            changes.Add(c.DirectoryUserId, c.DisplayName, c.Email, c.PreviousState?.ToString() ?? "(new)", c.State.ToString(), c.DistinguishedName);
        }

        changes.WriteTo(context.Out);
        if (plan.TotalChanges > plan.Changes.Count)
        {
            context.Out.WriteLine($"(first {plan.Changes.Count} of {plan.TotalChanges} changes)");
        }
    }
}
