namespace RescueAdSync.Contracts.Config;

/// <summary>
/// One page of a mapping's known users, ordered by id (GET /api/reader-state/{mappingId}/users?after=…&amp;limit=…).
/// </summary>
/// <param name="Users">At most <c>limit</c> users whose id follows <c>after</c>.</param>
/// <param name="Next">The <c>after</c> of the next page; null on the last page.</param>
public sealed record ReaderStateUsersPage(IReadOnlyList<ReaderStateUser> Users, string? Next);
