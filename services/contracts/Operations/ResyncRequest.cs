namespace RescueAdSync.Contracts.Operations;

/// <summary>A full resync of one mapping (POST /api/mappings/{id}/resync, GET /api/resync-requests/{id}).</summary>
/// <param name="Id">The request.</param>
/// <param name="MappingId">The mapping to resync.</param>
/// <param name="Status">Pending or Done.</param>
/// <param name="RequestedAt">When an operator asked for it.</param>
/// <param name="RequestedBy">The API key name of that operator.</param>
/// <param name="CompletedAt">When the reader published the states.</param>
/// <param name="Published">How many user states the reader republished (forced).</param>
public sealed record ResyncRequest(
    Guid Id,
    Guid MappingId,
    ResyncStatus Status,
    DateTimeOffset RequestedAt,
    string? RequestedBy,
    DateTimeOffset? CompletedAt,
    int? Published);
