namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>Everything the emulator holds, for GET /admin/state.</summary>
public sealed record EmulatorSnapshot(
    OrganizationView? Organization,
    int MobileLicences,
    int MobileLicencesUsed,
    bool HasServiceToken,
    bool HasDefaultPassword,
    IReadOnlyList<GroupView> Groups,
    IReadOnlyList<TechnicianView> Technicians);
