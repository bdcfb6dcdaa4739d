namespace RescueAdSync.RescueEmulator.Domain;

public sealed record OrganizationView(long AccountId, string Name, string MahEmail, long MahNodeId, long RootNodeId, long TechniciansNodeId);
