using System.Text.Json;

namespace RescueAdSync.Contracts.Config;

/// <summary>
/// What the ad-reader persisted for one mapping (GET /api/reader-state/{mappingId}): its high-water mark, cookies and
/// times as its own small JSON document, and how many known users are stored. The users themselves are rows, read page
/// by page from GET /api/reader-state/{mappingId}/users. The response's ETag goes into If-Match of the next PUT and of
/// the user pages.
/// </summary>
/// <param name="MappingId">The mapping the state belongs to.</param>
/// <param name="Document">The reader's own JSON document, returned exactly as stored.</param>
/// <param name="DirectoryVersion">The directory version the document reflects (a USN, a CSN, a cookie id); free text.</param>
/// <param name="UpdatedAt">When the state was last written.</param>
/// <param name="UserCount">How many known users are stored with the state.</param>
public sealed record ReaderState(Guid MappingId, JsonElement Document, string? DirectoryVersion, DateTimeOffset UpdatedAt, int UserCount = 0);
