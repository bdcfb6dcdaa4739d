using Refit;
using RescueAdSync.Contracts.Previews;

namespace RescueAdSync.ServiceDefaults;

/// <summary>The config service's preview (dry run) endpoints as the reader and the provisioner see them.</summary>
public interface IPreviewsApi
{
    /// <summary>Previews with mappings the reader has not read yet (reader).</summary>
    [Get("/api/previews/pending")]
    Task<IReadOnlyList<PendingPreview>> GetPendingAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores one mapping's read; the answer's status is Read once every mapping is (reader).</summary>
    [Post("/api/previews/{id}/mappings/{mappingId}")]
    Task<IApiResponse<Preview>> StoreMappingReadAsync(Guid id, Guid mappingId, [Body] PreviewMappingRead read, CancellationToken cancellationToken = default);

    /// <summary>Every mapping's read (provisioner); 409 unless Read.</summary>
    [Get("/api/previews/{id}/input")]
    Task<IApiResponse<PreviewInput>> GetInputAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The directory user a technician is linked to; 404 when none (provisioner).</summary>
    [Get("/api/previews/technicians/{nodeId}/link")]
    Task<IApiResponse<TechnicianLinkOwner>> GetTechnicianLinkAsync(long nodeId, CancellationToken cancellationToken = default);

    /// <summary>Stores the plan, or the failure (provisioner).</summary>
    [Post("/api/previews/{id}/plan")]
    Task<IApiResponse<Preview>> StorePlanAsync(Guid id, [Body] PreviewPlan plan, CancellationToken cancellationToken = default);
}
