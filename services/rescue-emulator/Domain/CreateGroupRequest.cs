namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>A Technician Group; ParentId defaults to the organization's Technicians node.</summary>
public sealed record CreateGroupRequest(string Name, long? ParentId = null, string? Description = null);
