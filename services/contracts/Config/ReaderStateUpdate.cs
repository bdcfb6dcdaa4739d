using System.Text.Json;

namespace RescueAdSync.Contracts.Config;

/// <summary>
/// Body of PUT /api/reader-state/{mappingId} (reader role): one cycle's changes, written in one transaction. Send
/// If-Match with the ETag of the last GET or PUT; without If-Match the PUT only succeeds when no state is stored yet.
/// 412 when someone else wrote in between (nothing is written then), 413 when the body is larger than the service
/// allows (64 MiB by default).
/// </summary>
/// <param name="Document">
/// The reader's own small JSON value (high-water mark, cookies, times); stored and returned unchanged. The known users
/// are not part of it: they are rows, sent in <paramref name="Users"/> and <paramref name="RemovedUsers"/>.
/// </param>
/// <param name="DirectoryVersion">The directory version the state reflects; at most 256 characters.</param>
/// <param name="Users">Known users added or changed by this cycle (inserted or replaced by id).</param>
/// <param name="RemovedUsers">Ids of known users the reader forgets.</param>
public sealed record ReaderStateUpdate(
    JsonElement Document, string? DirectoryVersion, IReadOnlyList<ReaderStateUser>? Users = null, IReadOnlyList<string>? RemovedUsers = null);
