namespace RescueAdSync.Contracts.Previews;

/// <summary>The directory user a technician is linked to (GET /api/previews/technicians/{nodeId}/link).</summary>
public sealed record TechnicianLinkOwner(long TechnicianNodeId, string DirectoryUserId, Guid MappingId);
