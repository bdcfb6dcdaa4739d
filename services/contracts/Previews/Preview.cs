namespace RescueAdSync.Contracts.Previews;

/// <summary>A preview (dry run) of one mapping or all of them (GET /api/previews/{id}).</summary>
/// <param name="Id">The preview.</param>
/// <param name="MappingId">The mapping previewed; null: every enabled mapping at the time of the request.</param>
/// <param name="MappingIds">The mappings the preview covers.</param>
/// <param name="Status">Pending, Read, Ready or Failed.</param>
/// <param name="RequestedAt">When an operator asked for it.</param>
/// <param name="RequestedBy">The API key name of that operator.</param>
/// <param name="CompletedAt">When the plan was ready or the preview failed.</param>
/// <param name="ExpiresAt">When the preview is deleted.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Summary">Counts per action (Ready only).</param>
/// <param name="Items">The planned changes (Ready only); users left unchanged are only counted.</param>
public sealed record Preview(
    Guid Id,
    Guid? MappingId,
    IReadOnlyList<Guid> MappingIds,
    PreviewStatus Status,
    DateTimeOffset RequestedAt,
    string? RequestedBy,
    DateTimeOffset? CompletedAt,
    DateTimeOffset ExpiresAt,
    string? Error,
    PreviewSummary? Summary,
    IReadOnlyList<PreviewItem>? Items);
