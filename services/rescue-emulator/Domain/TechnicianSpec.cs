namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>A technician made by hand in the Admin Center (not by the sync). Validated like setUser_v2.</summary>
public sealed record TechnicianSpec(
    long GroupId,
    string Name,
    string Email,
    bool Enabled = true,
    bool MobileAddon = false,
    bool RpatAddon = false,
    string? Nick = null,
    string? SsoId = null,
    string? Description = null,
    string? Password = null,
    bool MustChangePassword = false);
