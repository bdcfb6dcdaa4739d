namespace RescueAdSync.Contracts.Config;

/// <summary>
/// One known user of a mapping's reader state, stored as one row: what the reader last published for the user
/// (GET /api/reader-state/{mappingId}/users, and the <c>users</c> of <see cref="ReaderStateUpdate"/>).
/// </summary>
/// <param name="Id">The directory's immutable id (objectGUID / entryUUID); at most 256 characters.</param>
/// <param name="DisplayName">Last published name.</param>
/// <param name="Email">Last published email.</param>
/// <param name="DistinguishedName">Last seen DN.</param>
/// <param name="State">Last published state.</param>
/// <param name="Version">Version of the last published message for this user.</param>
public sealed record ReaderStateUser(string Id, string DisplayName, string Email, string DistinguishedName, UserState State, long Version);
