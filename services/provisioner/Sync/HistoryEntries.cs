using System.Diagnostics;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// What the per-user history records of one change, decided from what was applied: pure, so each outcome's entry is
/// tested alone. A change that changed nothing records nothing (the history is of actions, not of messages), and
/// neither does a duplicate of the version already applied.
/// </summary>
public static class HistoryEntries
{
    /// <summary>The entry of a change that reached the technician, or null when it changed nothing.</summary>
    /// <param name="before">The technician as it was (null or without email: new, fresh from createUser).</param>
    /// <param name="command">What was written to it.</param>
    /// <param name="linkedExisting">An existing technician with the user's email was adopted.</param>
    /// <param name="statusOnly">The technician is outside the mapping's group (moved by a Rescue admin): only the status followed.</param>
    /// <param name="written">setUser_v2 ran (the technician differed from the change).</param>
    public static NewHistoryEntry? ForApplied(UserChanged change, long nodeId, RescueTechnician? before, SetUserCommand command,
        bool linkedExisting, bool statusOnly, bool written)
    {
        if (!written && !linkedExisting)
        {
            return null;
        }

        if (!linkedExisting && ProvisioningDecision.IsNew(before))
        {
            return For(HistoryAction.Created, change, nodeId);
        }

        var nameBefore = before!.Name != command.Name ? before.Name : null;
        var emailBefore = !string.Equals(before.Email, command.Email, StringComparison.OrdinalIgnoreCase) ? before.Email : null;
        if (linkedExisting)
        {
            return For(HistoryAction.Linked, change, nodeId,
                "A technician with the user's email already existed: it was linked to the user, not duplicated.", nameBefore, emailBefore);
        }

        if (statusOnly)
        {
            var status = command.Enabled == before.Enabled ? "its status was already right"
                : command.Enabled ? "it was enabled" : $"it was disabled (the user was {DisabledBecause(change.State)})";
            return For(HistoryAction.StatusOnly, change, nodeId,
                $"The technician was moved out of the mapping's Technician Group by a Rescue admin: its name, email and place are theirs; only its status follows the directory, and {status}.");
        }

        if (before.Enabled && !command.Enabled)
        {
            return For(HistoryAction.Disabled, change, nodeId, $"The user was {DisabledBecause(change.State)}.", nameBefore, emailBefore);
        }

        if (!before.Enabled && command.Enabled)
        {
            return For(HistoryAction.Enabled, change, nodeId, "Enabled again in the directory and in the mapped group.", nameBefore, emailBefore);
        }

        return For(HistoryAction.Updated, change, nodeId,
            nameBefore is null && emailBefore is null ? "The mobile add-on was set to match the mapping." : null, nameBefore, emailBefore);
    }

    /// <summary>A change that was not applied, and why.</summary>
    public static NewHistoryEntry Skipped(UserChanged change, string reason, long? nodeId = null) =>
        For(HistoryAction.Skipped, change, nodeId, reason);

    /// <summary>
    /// The entry of a change older than the version already applied, or null for the same version: a redelivered
    /// duplicate is not an event in the user's history.
    /// </summary>
    public static NewHistoryEntry? Stale(UserChanged change, long appliedVersion, long? nodeId) =>
        appliedVersion > change.Version
            ? For(HistoryAction.Stale, change, nodeId,
                $"Version {change.Version} is older than version {appliedVersion}, already applied: this change was dropped.")
            : null;

    /// <summary>A change dropped because a newer version was applied while it was being handled.</summary>
    public static NewHistoryEntry Dropped(UserChanged change, string reason) => For(HistoryAction.Stale, change, null, reason);

    /// <summary>Why the directory wants the technician disabled, in the operator's words.</summary>
    public static string DisabledBecause(UserState state) => state switch
    {
        UserState.Disabled => "disabled (or expired) in the directory",
        UserState.Deleted => "deleted in the directory",
        UserState.OutOfScope => "removed from the mapped group, or moved out of its scope",
        _ => "enabled in the directory",
    };

    private static NewHistoryEntry For(HistoryAction action, UserChanged change, long? nodeId, string? reason = null,
        string? nameBefore = null, string? emailBefore = null) =>
        new(action, change.MappingId, change.DirectoryUserId, change.DisplayName, change.Email, change.Login, change.DistinguishedName,
            nodeId, change.Version, change.State, reason, nameBefore, emailBefore, TraceId(), change.CorrelationId);

    // The trace the message is being handled in (MassTransit starts one per consumed message when tracing is on).
    private static string? TraceId() =>
        Activity.Current is { } activity && activity.TraceId != default ? activity.TraceId.ToHexString() : null;
}
