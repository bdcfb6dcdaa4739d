using Refit;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.ServiceDefaults;

/// <summary>The config service's HTTP API as the ad-reader and the provisioner see it.</summary>
public interface IConfigApi
{
    [Get("/api/rescue-account/credentials")]
    Task<RescueCredentials> GetRescueCredentialsAsync(CancellationToken cancellationToken = default);

    [Get("/api/directory/credentials")]
    Task<DirectoryConnectionSettings> GetDirectoryAsync(CancellationToken cancellationToken = default);

    [Get("/api/mappings")]
    Task<IReadOnlyList<Mapping>> GetMappingsAsync(CancellationToken cancellationToken = default);

    [Get("/api/links/{directoryUserId}")]
    Task<IApiResponse<TechnicianLink>> GetLinkAsync(string directoryUserId, CancellationToken cancellationToken = default);

    /// <summary>Stores the link; 409 Conflict when the stored link already has a higher version.</summary>
    [Put("/api/links/{directoryUserId}")]
    Task<IApiResponse> PutLinkAsync(string directoryUserId, [Body] TechnicianLink link, CancellationToken cancellationToken = default);

    [Post("/api/sync-log")]
    Task AddSyncLogAsync([Body] NewSyncLogEntry entry, CancellationToken cancellationToken = default);
}
