namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>Creates the organization with its Master Account Holder; replaces any organization that exists.</summary>
public sealed record CreateOrganizationRequest(string Name, string Email, string Password, string? MahName = null, int MobileLicences = 0);
