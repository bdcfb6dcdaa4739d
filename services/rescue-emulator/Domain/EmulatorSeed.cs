namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>The optional seed file (Emulator:SeedFile): an organization ready for the local demo.</summary>
public sealed record EmulatorSeed(
    CreateOrganizationRequest Organization,
    string? DefaultPassword = null,
    string? ServiceToken = null,
    IReadOnlyList<SeedGroup>? Groups = null);
