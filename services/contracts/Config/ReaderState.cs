using System.Text.Json;

namespace RescueAdSync.Contracts.Config;

/// <summary>
/// What the ad-reader persisted for one mapping (GET /api/reader-state/{mappingId}): watermarks, cookies, known
/// membership. The config service stores <paramref name="Document"/> as opaque JSON text; the reader owns its shape.
/// The response's ETag goes into If-Match of the next PUT.
/// </summary>
/// <param name="MappingId">The mapping the state belongs to.</param>
/// <param name="Document">The reader's own JSON document, returned exactly as stored.</param>
/// <param name="DirectoryVersion">The directory version the document reflects (a USN, a CSN, a cookie id); free text.</param>
/// <param name="UpdatedAt">When the state was last written.</param>
public sealed record ReaderState(Guid MappingId, JsonElement Document, string? DirectoryVersion, DateTimeOffset UpdatedAt);
