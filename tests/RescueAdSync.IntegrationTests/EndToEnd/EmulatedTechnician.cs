namespace RescueAdSync.IntegrationTests.EndToEnd;

/// <summary>A technician as the emulator's admin API shows it.</summary>
public sealed record EmulatedTechnician(
    long NodeId,
    long ParentId,
    string Name,
    string Email,
    string Status,
    bool MobileAddon,
    bool MustChangePassword,
    bool HasDefaultPassword,
    bool Deleted);
