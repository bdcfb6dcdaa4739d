using System.Net.Http.Json;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.IntegrationTests.EndToEnd;
using RescueAdSync.IntegrationTests.Infrastructure;

namespace RescueAdSync.IntegrationTests.Provisioner;

/// <summary>
/// The per-user history through the real stack: UserChanged through real RabbitMQ to a real provisioner, which applies it
/// to the Rescue emulator and records it with its link write in the real config service, read back by GET /api/history.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class UserHistoryTests(RabbitMqFixture rabbit)
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];

    private static async Task<HistoryEntry[]> HistoryAsync(SyncStack stack, string user) =>
        (await stack.ConfigAdmin.GetFromJsonAsync<HistoryEntry[]>($"/api/history?user={Uri.EscapeDataString(user)}&take=500"))!;

    /// <summary>Publishes one change and waits for the history to hold <paramref name="count"/> entries of the user.</summary>
    private static async Task<HistoryEntry> StepAsync(SyncStack stack, UserChanged change, int count)
    {
        await stack.PublishAsync(change);
        HistoryEntry[] entries = [];
        await stack.EventuallyAsync(async () => (entries = await HistoryAsync(stack, change.DirectoryUserId)).Length == count,
            $"{count} history entries after version {change.Version}");
        return entries[0];
    }

    [Fact]
    public async Task Create_rename_and_every_reason_to_disable_each_leave_an_entry_with_before_and_after()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-history");
        var user = $"u-{_id}";
        UserChanged Change(long version, string name, string email, UserState state = UserState.Enabled) =>
            stack.Change(user, version, name, email, state) with { Login = $"hana{_id}" };

        var created = await StepAsync(stack, Change(1, "Hana Hill", $"hana{_id}@example.org"), 1);
        Assert.Equal((HistoryAction.Created, "Hana Hill", $"hana{_id}@example.org", $"hana{_id}", $"uid={user},dc=example,dc=org", 1L),
            (created.Action, created.DisplayName, created.Email, created.Login, created.DistinguishedName, created.Version));
        var node = Assert.IsType<long>(created.TechnicianNodeId);
        Assert.Equal(node, (await stack.WaitForTechnicianAsync(t => t.Email == $"hana{_id}@example.org", "for hana")).NodeId);

        var renamed = await StepAsync(stack, Change(2, "Hana Hill-Ito", $"hana.ito{_id}@example.org"), 2);
        Assert.Equal((HistoryAction.Updated, "Hana Hill", "Hana Hill-Ito", $"hana{_id}@example.org", $"hana.ito{_id}@example.org", node),
            (renamed.Action, renamed.NameBefore, renamed.DisplayName, renamed.EmailBefore, renamed.Email, renamed.TechnicianNodeId));

        var email = $"hana.ito{_id}@example.org";
        var version = 3L;
        var count = 2;
        foreach (var (state, because) in new[]
        {
            (UserState.Disabled, "disabled (or expired) in the directory"),
            (UserState.OutOfScope, "removed from the mapped group, or moved out of its scope"),
            (UserState.Deleted, "deleted in the directory"),
        })
        {
            var disabled = await StepAsync(stack, Change(version++, "Hana Hill-Ito", email, state), ++count);
            Assert.Equal((HistoryAction.Disabled, state, $"The user was {because}."), (disabled.Action, disabled.State, disabled.Reason));
            var enabled = await StepAsync(stack, Change(version++, "Hana Hill-Ito", email), ++count);
            Assert.Equal(HistoryAction.Enabled, enabled.Action);
        }

        // An older version than the one applied is dropped, and says so; the technician keeps the newer state.
        var stale = await StepAsync(stack, Change(3, "Hana Hill-Ito", email, UserState.Disabled), ++count);
        Assert.Equal(HistoryAction.Stale, stale.Action);
        Assert.Contains($"older than version {version - 1}", stale.Reason, StringComparison.Ordinal);
        Assert.Equal("Enabled", (await stack.Emulator.GetTechniciansAsync()).Single(t => t.NodeId == node).Status);

        // The same timeline, found by the user's name, email, login and id prefix; newest first.
        var timeline = await HistoryAsync(stack, user);
        Assert.Equal([HistoryAction.Stale, HistoryAction.Enabled, HistoryAction.Disabled, HistoryAction.Enabled, HistoryAction.Disabled,
            HistoryAction.Enabled, HistoryAction.Disabled, HistoryAction.Updated, HistoryAction.Created], timeline.Select(e => e.Action));
        Assert.All(timeline, e => Assert.Equal(stack.MappingId, e.MappingId));
        foreach (var term in new[] { "hill-ito", $"HANA.ITO{_id}", $"hana{_id}", user[..6] })
        {
            Assert.Equal(timeline.Select(e => e.Id), (await HistoryAsync(stack, term)).Where(e => e.DirectoryUserId == user).Select(e => e.Id));
        }
    }

    [Fact]
    public async Task Adoption_by_email_a_technician_moved_by_an_admin_and_a_skipped_change_are_recorded_with_their_reason()
    {
        await using var stack = await SyncStack.StartProvisionersAsync(rabbit.Broker, "p-history-rules");
        var user = $"u-{_id}";
        var existing = await stack.Emulator.CreateTechnicianAsync(stack.TechnicianGroupId, "Ivo Old", $"ivo{_id}@example.org");

        var linked = await StepAsync(stack, stack.Change(user, 1, "Ivo Ivanov", $"ivo{_id}@example.org"), 1);
        Assert.Equal((HistoryAction.Linked, existing, "Ivo Old", "Ivo Ivanov"), (linked.Action, linked.TechnicianNodeId, linked.NameBefore, linked.DisplayName));

        var elsewhere = await stack.Emulator.CreateTechnicianGroupAsync("Second Line");
        await stack.Emulator.MoveTechnicianAsync(existing, elsewhere);
        var moved = await StepAsync(stack, stack.Change(user, 2, "Ivo Renamed", $"ivo{_id}@example.org", UserState.Disabled), 2);
        Assert.Equal(HistoryAction.StatusOnly, moved.Action);
        Assert.Contains("moved out of the mapping's Technician Group by a Rescue admin", moved.Reason, StringComparison.Ordinal);
        Assert.Contains("it was disabled", moved.Reason, StringComparison.Ordinal);

        var skipped = await StepAsync(stack, stack.Change(user, 3, "Ivo Ivanov", ""), 3);
        Assert.Equal(HistoryAction.Skipped, skipped.Action);
        Assert.Contains("no usable name or email", skipped.Reason, StringComparison.Ordinal);
    }
}
