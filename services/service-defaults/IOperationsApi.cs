using Refit;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.ServiceDefaults;

/// <summary>The config service's operator-operations endpoints as the services see them (held plans of the mass-change guard, resyncs).</summary>
public interface IOperationsApi
{
    /// <summary>Stores a held plan (201); 409 when the mapping already has an open plan.</summary>
    [Post("/api/held-plans")]
    Task<IApiResponse<HeldPlan>> HoldPlanAsync([Body] NewHeldPlan plan, CancellationToken cancellationToken = default);

    /// <summary>Marks an approved plan applied (200); 409 when it is not approved (rejected meanwhile).</summary>
    [Post("/api/held-plans/{id}/applied")]
    Task<IApiResponse<HeldPlan>> MarkPlanAppliedAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Reports a full resync done (200).</summary>
    [Post("/api/resync-requests/{id}/done")]
    Task<IApiResponse<ResyncRequest>> MarkResyncDoneAsync(Guid id, [Body] ResyncCompletion completion, CancellationToken cancellationToken = default);

    /// <summary>The reader published the state of a provision-on-demand request's user (200).</summary>
    [Post("/api/provision-requests/{id}/published")]
    Task<IApiResponse<ProvisionRequest>> MarkProvisionPublishedAsync(Guid id, [Body] ProvisionPublished published, CancellationToken cancellationToken = default);

    /// <summary>A provision-on-demand request cannot be done (200).</summary>
    [Post("/api/provision-requests/{id}/failed")]
    Task<IApiResponse<ProvisionRequest>> FailProvisionAsync(Guid id, [Body] ProvisionFailure failure, CancellationToken cancellationToken = default);

    /// <summary>The provisioner applied a provision-on-demand request's state (200).</summary>
    [Post("/api/provision-requests/{id}/result")]
    Task<IApiResponse<ProvisionRequest>> ReportProvisionAsync(Guid id, [Body] ProvisionOutcome outcome, CancellationToken cancellationToken = default);
}
