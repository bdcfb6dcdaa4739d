using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Tests;

/// <summary>What <see cref="EmulatorFactory.CreateOrganizationAsync"/> set up.</summary>
public sealed record TestOrganization(OrganizationView Organization, string Token, long HelpdeskGroupId, long SecondLineGroupId)
{
    public const string MahEmail = "mah@contoso.test";
    public const string MahPassword = "Mah-Passw0rd";
    public const string DefaultPassword = "Welcome-2025";
}
