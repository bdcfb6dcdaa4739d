using System.Text.Json;

namespace RescueAdSync.Contracts.Config;

/// <summary>
/// Body of PUT /api/reader-state/{mappingId} (reader role). Send If-Match with the ETag of the last GET or PUT;
/// without If-Match the PUT only succeeds when no state is stored yet. 412 when someone else wrote in between,
/// 413 when the document is larger than the service allows (64 MiB by default).
/// </summary>
/// <param name="Document">Any JSON value; stored and returned unchanged.</param>
/// <param name="DirectoryVersion">The directory version the document reflects; at most 256 characters.</param>
public sealed record ReaderStateUpdate(JsonElement Document, string? DirectoryVersion);
