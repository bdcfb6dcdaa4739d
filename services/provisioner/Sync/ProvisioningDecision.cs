using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>Whether the user's technician is still directly in the mapping's Technician Group.</summary>
public enum Placement
{
    /// <summary>Not asked: the plan does not depend on it (<see cref="ProvisioningDecision.NeedsPlacement"/> is false).</summary>
    NotAsked,
    InGroup,

    /// <summary>A Rescue admin moved it to another group (rule 4).</summary>
    Moved,
}

/// <summary>
/// What applying one change does, decided by <see cref="ProvisioningDecision.Decide"/>. A closed set: the consumer's
/// <see cref="TechnicianProvisioner"/> executes it, a preview renders it. No plan deletes or moves a technician (rules 1
/// and 4), and only <see cref="Create"/> makes one.
/// </summary>
public abstract record Plan
{
    private Plan()
    {
    }

    /// <summary>Nothing is applied. <see cref="Reason"/> goes to the history; <see cref="Log"/>, when set, to the sync log first.</summary>
    public sealed record Skip(string Reason, long? NodeId = null, string? Note = null, SyncLogLine? Log = null, RescueTechnician? Technician = null) : Plan;

    /// <summary>This version, or a newer one, is applied already (rule 9); recorded only when it is older.</summary>
    public sealed record Stale(long AppliedVersion, long? NodeId) : Plan;

    /// <summary>
    /// The user has no technician and is not enabled: none is made, no licence spent; the version is recorded in a link
    /// without a technician. An empty technician left by this user's interrupted create is claimed and filled first.
    /// </summary>
    public sealed record NoTechnician(string Reason, bool RecoverOrphan) : Plan;

    /// <summary>
    /// A new technician (rule 7: with the default password): the one linked but left empty by an interrupted create
    /// (<see cref="NodeId"/>), else an orphan of this user's interrupted create (<see cref="RecoverOrphan"/>), else createUser.
    /// <see cref="Command"/>'s node id is that technician's once known; it never carries the password.
    /// </summary>
    public sealed record Create(long? NodeId, SetUserCommand Command, bool RecoverOrphan) : Plan;

    /// <summary>The technician already matches the change.</summary>
    public sealed record NoChange(RescueTechnician Technician) : Plan;

    /// <summary>An existing technician with the user's email is linked, not duplicated (rule 5), then written if it differs.</summary>
    public sealed record Link(RescueTechnician Technician, SetUserCommand Command, bool Moved) : Plan;

    /// <summary>A change to a technician in the mapping's group (rules 2 and 3 when the status changes).</summary>
    public abstract record Write(RescueTechnician Technician, SetUserCommand Command) : Plan;

    public sealed record Update(RescueTechnician Technician, SetUserCommand Command) : Write(Technician, Command);

    /// <summary>Rule 3: the same technician back, Enabled, with the mapping's mobile add-on.</summary>
    public sealed record Enable(RescueTechnician Technician, SetUserCommand Command) : Write(Technician, Command);

    /// <summary>Rule 2: disabled, never deleted, and its mobile add-on released.</summary>
    public sealed record Disable(RescueTechnician Technician, SetUserCommand Command) : Write(Technician, Command);

    /// <summary>Rule 4: moved to another group by a Rescue admin: its own fields written back, only the status follows; never moved back.</summary>
    public sealed record StatusOnly(RescueTechnician Technician, SetUserCommand Command) : Write(Technician, Command);

    /// <summary>What provision on demand shows the operator, once the plan ran with <paramref name="result"/>.</summary>
    public string Label(ProvisioningResult result) => (this, result) switch
    {
        (_, ProvisioningResult.Failed) => "Failed",
        (Link, not ProvisioningResult.Stale) => "Linked",
        (Write w, ProvisioningResult.Updated) => !w.Command.Enabled ? "Disabled" : !w.Technician.Enabled ? "Enabled" : "Updated",
        _ => result.ToString(),
    };
}

/// <summary>A sync-log line a plan asks for (rule 8).</summary>
public sealed record SyncLogLine(SyncLogLevel Level, string Operation, string Message, string Code);

/// <summary>
/// The provisioning rules of docs/rules.md as one pure decision: the same change, link and technician always give the same
/// <see cref="Plan"/>. Rules 1 (never deleted), 2 (disabled, add-on released), 3 (same technician back), 4 (moved: status
/// only), 5 (same email: linked), 6 (only our technicians are written), 7 (default password) and 9 (versions in order,
/// exactly once in effect) are decided here; the claim protocol that keeps rule 9 across crashes is the executor's
/// (<see cref="TechnicianClaimer"/>).
/// </summary>
public static class ProvisioningDecision
{
    /// <summary>The directory id of an unknown other user holding the email's technician (the consumer learns only that there is one).</summary>
    public const string AnotherUser = "";

    /// <summary>
    /// The plan for <paramref name="change"/>. <paramref name="technician"/> is the linked one when the link names a technician
    /// (null: gone from Rescue), else the one with the user's email (null: none); <paramref name="emailHeldBy"/> the other
    /// directory user whose link holds that one. A null <paramref name="mapping"/> was deleted.
    /// </summary>
    public static Plan Decide(UserChanged change, Mapping? mapping, TechnicianLink? link, RescueTechnician? technician, Placement placement,
        string? emailHeldBy = null) =>
        Screen(change, mapping) ?? IfStale(change, link) ?? ForTechnician(change, mapping!, link, technician, placement, emailHeldBy);

    /// <summary>
    /// <see cref="Decide"/> with its facts read as the rules need them, each only when the rules before it left the plan open:
    /// the link, then the linked technician or the one with the user's email (with the other user that holds it, if one
    /// does), then, only when the plan depends on it, whether the technician is still in the mapping's group. The consumer
    /// and a preview read the same facts in the same order; they differ in how the email's technician is looked for (the
    /// consumer claims it at once, a preview only asks who holds it).
    /// </summary>
    public static async Task<(Plan Plan, TechnicianLink? Link)> DecideAsync(UserChanged change, Mapping? mapping,
        Func<Task<TechnicianLink?>> readLink, Func<long, Task<RescueTechnician?>> getTechnician,
        Func<TechnicianLink?, Task<(RescueTechnician? Technician, string? HeldBy)>> findByEmail, Func<long, Task<bool>> isInGroup)
    {
        if (Screen(change, mapping) is { } skip)
        {
            return (skip, null);
        }

        var link = await readLink();
        if (IfStale(change, link) is { } stale)
        {
            return (stale, link);
        }

        var (technician, heldBy) = link?.TechnicianNodeId is { } linked ? (await getTechnician(linked), null) : await findByEmail(link);
        var placement = heldBy is null && NeedsPlacement(change, mapping!, technician)
            ? await isInGroup(technician!.NodeId) ? Placement.InGroup : Placement.Moved
            : Placement.NotAsked;
        return (Decide(change, mapping, link, technician, placement, heldBy), link);
    }

    /// <summary>The rules decided before the link is read: the mapping and the user's own values.</summary>
    public static Plan? Screen(UserChanged change, Mapping? mapping)
    {
        if (mapping is null)
        {
            return new Plan.Skip($"Mapping {change.MappingId} was deleted since the directory was read: its users are not provisioned.");
        }

        if (!mapping.Enabled)
        {
            return new Plan.Skip("The mapping is disabled: its changes are not applied.");
        }

        if (string.IsNullOrWhiteSpace(change.Email) || string.IsNullOrWhiteSpace(change.DisplayName))
        {
            const string Message = "The directory user has no usable name or email (mail / userPrincipalName); Rescue requires both.";
            return new Plan.Skip("The directory user has no usable name or email; Rescue requires both.", Note: Message,
                Log: new SyncLogLine(SyncLogLevel.Error, "validate", Message, "MISSING_NAME_OR_EMAIL"));
        }
        return null;
    }

    /// <summary>
    /// Rule 9: a message applies only a newer version than the link's; a forced one (an operator's resync) also the same one,
    /// to repair drift made by hand in Rescue. An older one never: that would undo a newer change.
    /// </summary>
    public static Plan? IfStale(UserChanged change, TechnicianLink? link) =>
        link is not null && IsStale(link.Version, change) ? new Plan.Stale(link.Version, link.TechnicianNodeId) : null;

    public static bool IsStale(long appliedVersion, UserChanged change) =>
        change.Force ? appliedVersion > change.Version : appliedVersion >= change.Version;

    /// <summary>
    /// Whether the plan depends on the technician's <see cref="Placement"/>: only when it would get more than it has. The
    /// group is asked then only.
    /// </summary>
    public static bool NeedsPlacement(UserChanged change, Mapping mapping, RescueTechnician? technician) =>
        !IsNew(technician) && !IsApplied(technician!, ForChange(technician!.NodeId, change, mapping, technician));

    private static Plan ForTechnician(UserChanged change, Mapping mapping, TechnicianLink? link, RescueTechnician? technician, Placement placement, string? emailHeldBy)
    {
        var enabled = change.State == UserState.Enabled;
        if (link?.TechnicianNodeId is { } linked)
        {
            if (technician is null)
            {
                return new Plan.Skip($"Technician node {linked} linked to this user no longer exists in Rescue; nothing was changed.", linked,
                    $"Technician node {linked} linked to this user no longer exists in Rescue; nothing would be changed.",
                    new SyncLogLine(SyncLogLevel.Warning, "getUser_v3", $"Technician node {linked} linked to this user no longer exists in Rescue; nothing was changed.", "INVALIDPARAM_NODE"));
            }
        }
        else if (technician is null)
        {
            var recover = link?.CreatePendingSince is not null;
            return enabled
                ? new Plan.Create(null, ForChange(0, change, mapping, null), recover)
                : new Plan.NoTechnician(
                    $"The user has no technician and is not enabled (the user was {HistoryEntries.DisabledBecause(change.State)}): nothing to disable, no licence spent.",
                    recover);
        }
        else if (emailHeldBy is not null)
        {
            // Rule 6: a technician another user holds is never changed.
            var node = technician.NodeId;
            return new Plan.Skip($"Technician {node} has this user's email but is linked to another directory user: two users share one email.", null,
                $"Technician {node} has this user's email but is already linked to another directory user" +
                $"{(emailHeldBy == AnotherUser ? "" : $" ({emailHeldBy})")}: two directory users share one email address. Nothing would be changed.",
                new SyncLogLine(SyncLogLevel.Error, "link", $"Technician {node} has this user's email but is already linked to another directory user; " +
                    "two directory users share one email address. Nothing was changed; correct the mail in the directory.", "EMAIL_LINKED_TO_OTHER_USER"),
                technician);
        }

        if (IsNew(technician))
        {
            return new Plan.Create(technician.NodeId, ForChange(technician.NodeId, change, mapping, technician), RecoverOrphan: false);
        }

        var needsPlacement = NeedsPlacement(change, mapping, technician);
        if (needsPlacement && placement == Placement.NotAsked)
        {
            throw new ArgumentException("The plan depends on whether the technician is still in the mapping's group; it was not asked.", nameof(placement));
        }

        var moved = placement == Placement.Moved && needsPlacement;
        var command = moved ? StatusOnly(technician, enabled, mapping.MobileAddon) : ForChange(technician.NodeId, change, mapping, technician);
        if (link?.TechnicianNodeId is null)
        {
            return new Plan.Link(technician, command, moved);
        }

        if (IsApplied(technician, command))
        {
            return new Plan.NoChange(technician);
        }

        if (moved)
        {
            return new Plan.StatusOnly(technician, command);
        }

        return (technician.Enabled, command.Enabled) switch
        {
            (true, false) => new Plan.Disable(technician, command),
            (false, true) => new Plan.Enable(technician, command),
            _ => new Plan.Update(technician, command),
        };
    }

    /// <summary>The technician's own fields written back unchanged, but the status and the add-on that goes with it.</summary>
    public static SetUserCommand StatusOnly(RescueTechnician technician, bool enabled, bool mappingMobileAddon) =>
        new(technician.NodeId, technician.Name, technician.Email, enabled,
            // Disabling frees the licence; re-enabling gives back the mapping's add-on that disabling took away.
            MobileAddon: enabled && (technician.Enabled ? technician.HasMobileAddon : mappingMobileAddon),
            RpatAddon: technician.HasRpatAddon, Nick: technician.Nick, SsoId: technician.SsoId, Description: technician.Description);

    public static bool IsApplied(RescueTechnician technician, SetUserCommand command) =>
        technician.Name == command.Name
        && string.Equals(technician.Email, command.Email, StringComparison.OrdinalIgnoreCase)
        && technician.Enabled == command.Enabled
        && technician.HasMobileAddon == command.MobileAddon;

    /// <summary>A technician without an email is one that createUser made and setUser_v2 never finished: it is filled like a new one.</summary>
    public static bool IsNew(RescueTechnician? technician) => technician is null || string.IsNullOrEmpty(technician.Email);

    /// <summary>The setUser_v2 command that applies a change to its technician (without the password a new one gets).</summary>
    public static SetUserCommand ForChange(long nodeId, UserChanged change, Mapping mapping, RescueTechnician? technician)
    {
        var enabled = change.State == UserState.Enabled;
        return new SetUserCommand(nodeId, change.DisplayName, change.Email, enabled, MobileAddon: enabled && mapping.MobileAddon,
            RpatAddon: technician?.HasRpatAddon ?? false, Nick: technician?.Nick, SsoId: technician?.SsoId, Description: technician?.Description);
    }
}
