namespace RescueAdSync.Contracts.Config;

/// <summary>
/// One link's outcome in POST /api/links/batch, in the order the links were sent: what PUT /api/links/{directoryUserId}
/// would have answered for it alone.
/// </summary>
/// <param name="DirectoryUserId">The link's user.</param>
/// <param name="Status">200 stored; 409 refused (see <paramref name="Reason"/>); 400 invalid (see <paramref name="Errors"/>); 503 retry later.</param>
/// <param name="Reason">For a 409: stale-version, technician-bound or technician-linked-elsewhere.</param>
/// <param name="StoredVersion">For a 409 on the version or the technician: the stored link's version.</param>
/// <param name="Errors">For a 400: the invalid fields and why.</param>
public sealed record LinkWriteResult(
    string DirectoryUserId,
    int Status,
    string? Reason = null,
    long? StoredVersion = null,
    IDictionary<string, string[]>? Errors = null);
