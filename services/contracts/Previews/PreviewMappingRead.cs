namespace RescueAdSync.Contracts.Previews;

/// <summary>
/// What the reader found for one mapping of a preview (POST /api/previews/{id}/mappings/{mappingId}): the messages its
/// next cycle would publish, built exactly like a real cycle's but never published, and how many users would stay as they are.
/// </summary>
/// <param name="Changes">The states a real cycle would publish now.</param>
/// <param name="Unchanged">Users in the mapping whose state would not be published (nothing changed in the directory).</param>
/// <param name="Error">The directory could not be read for this mapping: the preview fails with this reason.</param>
public sealed record PreviewMappingRead(IReadOnlyList<UserChanged> Changes, int Unchanged, string? Error = null);
