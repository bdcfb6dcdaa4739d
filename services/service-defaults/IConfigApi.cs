using Refit;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.ServiceDefaults;

/// <summary>The config service's HTTP API as the ad-reader and the provisioner see it.</summary>
public interface IConfigApi
{
    [Get("/api/rescue-account/credentials")]
    Task<RescueCredentials> GetRescueCredentialsAsync(CancellationToken cancellationToken = default);

    /// <summary>The named directory connection with its bind password (reader role); 404 when no connection has that name.</summary>
    [Get("/api/directories/{name}/credentials")]
    Task<DirectoryConnectionSettings> GetDirectoryAsync(string name, CancellationToken cancellationToken = default);

    [Get("/api/mappings")]
    Task<IReadOnlyList<Mapping>> GetMappingsAsync(CancellationToken cancellationToken = default);

    [Get("/api/links/{directoryUserId}")]
    Task<IApiResponse<TechnicianLink>> GetLinkAsync(string directoryUserId, CancellationToken cancellationToken = default);

    /// <summary>Stores the link; 409 Conflict when the stored link already has a higher version.</summary>
    [Put("/api/links/{directoryUserId}")]
    Task<IApiResponse> PutLinkAsync(string directoryUserId, [Body] TechnicianLink link, CancellationToken cancellationToken = default);

    /// <summary>
    /// Several links in one request, each written as <see cref="PutLinkAsync"/> writes it alone; one result per link, in
    /// order. 404 from a config service older than the endpoint.
    /// </summary>
    [Post("/api/links/batch")]
    Task<IApiResponse<LinkWriteResult[]>> PutLinksAsync([Body] IReadOnlyList<TechnicianLink> links, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per-user history entries of outcomes that write no link (skipped, stale); 204 when stored, 404 from a config service
    /// older than the history.
    /// </summary>
    [Post("/api/history/batch")]
    Task<IApiResponse> AddHistoryAsync([Body] IReadOnlyList<NewHistoryEntry> entries, CancellationToken cancellationToken = default);

    [Post("/api/sync-log")]
    Task AddSyncLogAsync([Body] NewSyncLogEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The reader's stored state of a mapping without its users, its ETag in the response headers; 404 when none is stored.</summary>
    [Get("/api/reader-state/{mappingId}")]
    Task<IApiResponse<ReaderState>> GetReaderStateAsync(Guid mappingId, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the state's known users in id order, after the id <paramref name="after"/> (null: the first page);
    /// 412 when the state was written or deleted since <paramref name="ifMatch"/> was read.
    /// </summary>
    [Get("/api/reader-state/{mappingId}/users")]
    Task<IApiResponse<ReaderStateUsersPage>> GetReaderStateUsersAsync(Guid mappingId, [Query] string? after, [Query] int? limit,
        [Header("If-Match")] string? ifMatch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores one cycle's changes of the reader's state in one transaction: the document and the users added, changed or
    /// forgotten (204, new ETag in the response). <paramref name="ifMatch"/>: the ETag last read or written, or null to
    /// create the first state; 412 when someone wrote (or an admin deleted) in between, and then nothing is written.
    /// </summary>
    [Put("/api/reader-state/{mappingId}")]
    Task<IApiResponse> PutReaderStateAsync(
        Guid mappingId, [Body] ReaderStateUpdate update, [Header("If-Match")] string? ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Acquires or renews a leader lease: 200 with the lease, 409 (holder and expiry in the problem) when another holds it.</summary>
    [Post("/api/leases/{name}")]
    Task<IApiResponse<Lease>> AcquireLeaseAsync(string name, [Body] LeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Releases the lease if <paramref name="holder"/> holds it (204); 409 when another holder does.</summary>
    [Delete("/api/leases/{name}")]
    Task<IApiResponse> ReleaseLeaseAsync(string name, [Query] string holder, CancellationToken cancellationToken = default);
}
