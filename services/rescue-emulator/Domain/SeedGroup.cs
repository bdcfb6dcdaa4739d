namespace RescueAdSync.RescueEmulator.Domain;

/// <summary>A Technician Group of the seed file; its technicians count as made by hand.</summary>
public sealed record SeedGroup(string Name, string? Description = null, IReadOnlyList<SeedTechnician>? Technicians = null);
