namespace RescueAdSync.Contracts.Config;

/// <summary>A Rescue Technician Group's name as Rescue has it (GET /api/technician-groups/{nodeId}), for showing next to its node id.</summary>
/// <param name="Id">The Technician Group's node id.</param>
/// <param name="Name">Its name in Rescue; null when Rescue could not tell (see <paramref name="Problem"/>).</param>
/// <param name="Problem">Why there is no name (no Rescue account stored, Rescue unreachable, no such group), else null.</param>
public sealed record TechnicianGroupName(long Id, string? Name, string? Problem);
