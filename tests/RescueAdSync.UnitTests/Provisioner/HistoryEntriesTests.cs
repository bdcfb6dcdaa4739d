using System.Diagnostics;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;

namespace RescueAdSync.UnitTests.Provisioner;

public sealed class HistoryEntriesTests
{
    private static readonly Guid Mapping = Guid.NewGuid();

    private static UserChanged Change(string name = "Ann Smith", string email = "ann@example.org", UserState state = UserState.Enabled, long version = 7) =>
        new(Mapping, "guid-1", version, name, email, state, "CN=Ann Smith,OU=Staff,DC=corp", DateTimeOffset.UnixEpoch, Guid.NewGuid(), Login: "asmith");

    private static RescueTechnician Technician(string name = "Ann Smith", string email = "ann@example.org", bool enabled = true) =>
        new(41, name, "", email, "", "", "Technician", false, false, enabled ? "Enabled" : "Disabled", false);

    private static SetUserCommand Command(UserChanged change) =>
        new(41, change.DisplayName, change.Email, change.State == UserState.Enabled, false, false);

    [Fact]
    public void A_change_that_changed_nothing_records_nothing()
    {
        var change = Change();
        Assert.Null(HistoryEntries.ForApplied(change, 41, Technician(), Command(change), linkedExisting: false, statusOnly: false, written: false));
    }

    [Fact]
    public void A_new_technician_is_Created_with_the_user_as_the_directory_had_them()
    {
        var change = Change();
        var entry = HistoryEntries.ForApplied(change, 41, null, Command(change), false, false, true)!;
        Assert.Equal((HistoryAction.Created, "guid-1", "asmith", "CN=Ann Smith,OU=Staff,DC=corp", 41L, 7L),
            (entry.Action, entry.DirectoryUserId, entry.Login, entry.DistinguishedName, entry.TechnicianNodeId.GetValueOrDefault(), entry.Version));
    }

    [Fact]
    public void A_rename_records_the_name_and_email_before()
    {
        var change = Change("Ann Jones", "ann.jones@example.org");
        var entry = HistoryEntries.ForApplied(change, 41, Technician(), Command(change), false, false, true)!;
        Assert.Equal((HistoryAction.Updated, "Ann Smith", "ann@example.org", "Ann Jones"), (entry.Action, entry.NameBefore, entry.EmailBefore, entry.DisplayName));
    }

    [Fact]
    public void An_email_differing_only_in_case_is_no_email_change()
    {
        var change = Change("Ann Jones", "ANN@example.org");
        Assert.Null(HistoryEntries.ForApplied(change, 41, Technician(), Command(change), false, false, true)!.EmailBefore);
    }

    [Theory]
    [InlineData(UserState.Disabled, "The user was disabled (or expired) in the directory.")]
    [InlineData(UserState.Deleted, "The user was deleted in the directory.")]
    [InlineData(UserState.OutOfScope, "The user was removed from the mapped group, or moved out of its scope.")]
    public void Disabling_says_why_from_the_directory_state(UserState state, string reason)
    {
        var change = Change(state: state);
        var entry = HistoryEntries.ForApplied(change, 41, Technician(), Command(change), false, false, true)!;
        Assert.Equal((HistoryAction.Disabled, reason), (entry.Action, entry.Reason));
    }

    [Fact]
    public void Enabling_a_disabled_technician_is_Enabled()
    {
        var change = Change();
        Assert.Equal(HistoryAction.Enabled, HistoryEntries.ForApplied(change, 41, Technician(enabled: false), Command(change), false, false, true)!.Action);
    }

    [Fact]
    public void Adopting_a_technician_by_email_is_Linked_even_when_nothing_else_changed()
    {
        var change = Change();
        var entry = HistoryEntries.ForApplied(change, 41, Technician("Ann S."), Command(change), linkedExisting: true, statusOnly: false, written: false)!;
        Assert.Equal((HistoryAction.Linked, "Ann S."), (entry.Action, entry.NameBefore));
    }

    [Fact]
    public void A_technician_moved_by_an_admin_gets_a_StatusOnly_entry_without_before_values()
    {
        var change = Change("Ann Jones", state: UserState.Deleted);
        var entry = HistoryEntries.ForApplied(change, 41, Technician(), ProvisioningDecision.StatusOnly(Technician(), false, false), false, statusOnly: true, written: true)!;
        Assert.Equal((HistoryAction.StatusOnly, (string?)null), (entry.Action, entry.NameBefore));
        Assert.Contains("it was disabled (the user was deleted in the directory)", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_an_older_version_is_Stale_a_duplicate_of_the_applied_one_is_not_recorded()
    {
        Assert.Null(HistoryEntries.Stale(Change(version: 7), appliedVersion: 7, nodeId: 41));
        var entry = HistoryEntries.Stale(Change(version: 5), appliedVersion: 7, nodeId: 41)!;
        Assert.Equal(HistoryAction.Stale, entry.Action);
        Assert.Equal("Version 5 is older than version 7, already applied: this change was dropped.", entry.Reason);
    }

    [Fact]
    public void The_trace_id_is_the_current_activitys()
    {
        using var activity = new Activity("consume").SetIdFormat(ActivityIdFormat.W3C).Start();
        Assert.Equal(activity.TraceId.ToHexString(), HistoryEntries.Skipped(Change(), "why").TraceId);
        activity.Stop();
        Assert.Null(HistoryEntries.Skipped(Change(), "why").TraceId);
    }
}
