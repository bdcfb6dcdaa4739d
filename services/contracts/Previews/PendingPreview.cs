namespace RescueAdSync.Contracts.Previews;

/// <summary>A preview waiting for the reader (GET /api/previews/pending): the mappings it has not read yet.</summary>
public sealed record PendingPreview(Guid Id, IReadOnlyList<Guid> MappingIds);
