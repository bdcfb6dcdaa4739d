namespace RescueAdSync.Provisioner.Rescue;

/// <summary>A technician as getUser_v3 returns it. Status is Enabled, Disabled or a presence state.</summary>
public sealed record RescueTechnician(
    long NodeId,
    string Name,
    string Nick,
    string Email,
    string SsoId,
    string Description,
    string Type,
    bool HasMobileAddon,
    bool HasRpatAddon,
    string Status,
    bool MustChangePassword)
{
    /// <summary>Anything but Disabled counts as enabled: the real service may report a presence state (Offline, Online, …).</summary>
    public bool Enabled => !string.Equals(Status, "Disabled", StringComparison.OrdinalIgnoreCase);
}
