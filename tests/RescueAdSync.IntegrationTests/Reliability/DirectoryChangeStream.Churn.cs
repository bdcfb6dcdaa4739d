using System.Net.Http.Json;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.IntegrationTests.Reliability;

// Continuous churn for the chaos run: random directory changes of every kind the scripted stream makes, for as long as
// faults are injected. Each change goes through the scripted stream's ApplyAsync, so it waits out a directory outage.
public sealed partial class DirectoryChangeStream
{
    private readonly List<string> _churnLog = [];

    /// <summary>Every change of the churn, in order: time since its start, kind, user and mail version.</summary>
    public IReadOnlyList<string> ChurnLog => _churnLog;

    /// <summary>
    /// Sets the mapping's relative mass-change guard to 100 % (off), keeping the absolute limit (50 disables a cycle). The
    /// churn takes users out of scope in about a third of its changes, and a reader outage folds many of them into one
    /// cycle: more than 20 % of a small group, which the guard rightly holds for an operator (its own case is
    /// MassChangeGuardEndToEndTests). An operator expecting such churn raises the limit the same way.
    /// </summary>
    public async Task AllowChurnPastTheRelativeGuardAsync()
    {
        (await Stack.ConfigAdmin.PutAsJsonAsync($"/api/mappings/{Stack.MappingId}",
            new MappingSettings(_group, Stack.TechnicianGroupId, GuardMaxDisablePercent: 100))).EnsureSuccessStatusCode();
        var stored = await Stack.ConfigAdmin.GetFromJsonAsync<Mapping>($"/api/mappings/{Stack.MappingId}");
        Assert.Equal(100, stored!.GuardMaxDisablePercent);
    }

    /// <summary>
    /// Changes the directory every <paramref name="interval"/> until <paramref name="stop"/> is cancelled: new members, mail
    /// changes, removals and re-adds, disables and re-enables, moves out of the base DN and back, and a few deletes, picked
    /// by <paramref name="random"/>. Returns the number of changes made. Only a user whose latest change Rescue already
    /// shows ever leaves scope (the expected state assumes the sync saw every user that is not an Enabled member as it is
    /// now), so the end state does not depend on timing.
    /// </summary>
    public async Task<int> ChurnAsync(Random random, TimeSpan interval, CancellationToken stop)
    {
        List<string> members = [.. Enumerable.Range(0, BaselineUsers).Select(i => $"b{i}")];
        List<string> removed = [], disabled = [], parked = [];
        var mailVersions = new Dictionary<string, int>();
        var changes = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var created = 0; !stop.IsCancellationRequested; changes++)
        {
            var roll = random.Next(100);
            Step step;
            if (roll < 30 || members.Count == 0)
            {
                step = new(StepKind.Create, $"c{created++}");
                members.Add(step.Key);
            }
            else if (roll < 55)
            {
                var key = members[random.Next(members.Count)];
                var version = mailVersions[key] = mailVersions.GetValueOrDefault(key, 1) + 1;
                step = new(StepKind.Mail, key, version);
            }
            else if (roll < 85)
            {
                // Leaving scope: only a member whose latest change Rescue already shows (Enabled, current mail); else the step
                // becomes a new member. The sync reads members only: a mail changed just before the user left the group
                // or was deleted, unseen because the reader was down, is rightly never applied.
                var shown = (await Stack.Emulator.GetTechniciansAsync()).Where(t => t.Status == "Enabled").Select(t => (t.Name, t.Email)).ToHashSet();
                var candidates = members.Where(k => shown.Contains(($"User {k} {_id}", Mail($"{k}{_id}", mailVersions.GetValueOrDefault(k, 1))))).ToList();
                if (candidates.Count == 0)
                {
                    step = new(StepKind.Create, $"c{created++}");
                    members.Add(step.Key);
                }
                else
                {
                    var key = candidates[random.Next(candidates.Count)];
                    var (kind, to) = (roll % 7) switch
                    {
                        0 or 1 or 2 => (StepKind.Remove, removed),
                        3 or 4 => (StepKind.Disable, disabled),
                        5 => (StepKind.MoveOut, parked),
                        _ => (StepKind.Delete, (List<string>?)null),
                    };
                    step = new(kind, key);
                    members.Remove(key);
                    to?.Add(key);
                }
            }
            else
            {
                // Coming back into scope: the user keeps its technician, which must become Enabled again.
                var from = (roll % 3) switch { 0 => removed, 1 => disabled, _ => parked };
                if (from.Count == 0)
                {
                    step = new(StepKind.Create, $"c{created++}");
                    members.Add(step.Key);
                }
                else
                {
                    var key = from[random.Next(from.Count)];
                    step = new(from == removed ? StepKind.ReAdd : from == disabled ? StepKind.Enable : StepKind.MoveBack, key);
                    from.Remove(key);
                    members.Add(key);
                }
            }
            await ApplyAsync(step);
            _churnLog.Add($"{clock.Elapsed.TotalSeconds,6:0.0} s {step.Kind,-8} {step.Key}{(step.Kind == StepKind.Mail ? $" v{step.MailVersion}" : "")}");
            await Task.Delay(interval, CancellationToken.None);
        }
        return changes;
    }
}
