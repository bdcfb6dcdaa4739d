using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>Pure decisions about setUser_v2 commands, kept apart from the calls so they can be tested alone.</summary>
public static class TechnicianCommands
{
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

    /// <summary>The setUser_v2 command that applies a change to its technician; the password only for a new one.</summary>
    public static SetUserCommand ForChange(long nodeId, UserChanged change, Mapping mapping, RescueTechnician? technician, string? password)
    {
        var enabled = change.State == UserState.Enabled;
        return new SetUserCommand(
            nodeId,
            change.DisplayName,
            change.Email,
            enabled,
            MobileAddon: enabled && mapping.MobileAddon,
            RpatAddon: technician?.HasRpatAddon ?? false,
            Nick: technician?.Nick,
            SsoId: technician?.SsoId,
            Description: technician?.Description,
            Password: password);
    }

    /// <summary>
    /// Rule 4 of docs/rules.md: a technician that is not directly in the mapping's group was moved by a Rescue admin; its name, email
    /// and place are theirs now, only the status follows. The group is asked only when the change would touch more.
    /// </summary>
    public static async Task<SetUserCommand> ForPlaceAsync(SetUserCommand command, RescueTechnician? technician, Mapping mapping,
        Func<Task<bool>> isDirectMember)
    {
        if (!IsNew(technician) && !IsApplied(technician!, command) && !await isDirectMember())
            return StatusOnly(technician!, command.Enabled, mapping.MobileAddon);
        return command;
    }
}
