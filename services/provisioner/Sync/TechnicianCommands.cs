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
}
