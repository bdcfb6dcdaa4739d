namespace RescueAdSync.Provisioner.Rescue;

/// <summary>getAccount: proves the token works and names the organization.</summary>
public sealed record RescueAccountInfo(long AccountId, string Organization, long AdminId, long TechId, string Email);
