namespace RescueAdSync.Contracts.Previews;

/// <summary>An operator's request for a preview (POST /api/previews).</summary>
/// <param name="MappingId">The mapping to preview; null: every enabled mapping.</param>
public sealed record NewPreview(Guid? MappingId = null);
