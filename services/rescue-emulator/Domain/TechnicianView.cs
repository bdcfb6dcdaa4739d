namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>A technician as the admin API shows it: every field, including what the Rescue API hides.</summary>
public sealed record TechnicianView(
    long NodeId,
    long ParentId,
    string Name,
    string Nick,
    string Email,
    string SsoId,
    string Description,
    string Status,
    bool MobileAddon,
    bool RpatAddon,
    bool MustChangePassword,
    bool HasDefaultPassword,
    bool Deleted,
    string Origin);
