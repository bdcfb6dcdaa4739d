using Refit;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>The config service's operations API as the guard and the resync see it: records held plans, applied plans and finished resyncs.</summary>
public sealed class OperationsRecorder : IOperationsApi
{
    public List<NewHeldPlan> Held { get; } = [];

    public List<Guid> Applied { get; } = [];

    public List<(Guid Id, int Published)> ResyncsDone { get; } = [];

    public bool Fail { get; set; }

    public Task<IApiResponse<HeldPlan>> HoldPlanAsync(NewHeldPlan plan, CancellationToken cancellationToken = default)
    {
        if (Fail)
        {
            throw new HttpRequestException("config service down");
        }
        Held.Add(plan);
        return Task.FromResult(Answer(new HeldPlan(Guid.NewGuid(), plan.MappingId, HeldPlanStatus.Held, plan.Reason, plan.Disables, plan.EnabledMembers,
            plan.TotalChanges, plan.Changes, DateTimeOffset.UtcNow, null, null, null, plan.CorrelationId)));
    }

    public Task<IApiResponse<HeldPlan>> MarkPlanAppliedAsync(Guid id, CancellationToken cancellationToken = default)
    {
        Applied.Add(id);
        return Task.FromResult(Answer(null));
    }

    public Task<IApiResponse<ResyncRequest>> MarkResyncDoneAsync(Guid id, ResyncCompletion completion, CancellationToken cancellationToken = default)
    {
        ResyncsDone.Add((id, completion.Published));
        return Task.FromResult<IApiResponse<ResyncRequest>>(
            new ApiResponse<ResyncRequest>(new HttpResponseMessage(System.Net.HttpStatusCode.OK), null, new RefitSettings()));
    }

    public Task<IApiResponse<ProvisionRequest>> MarkProvisionPublishedAsync(Guid id, ProvisionPublished published, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the synchronizer does not provision on demand");

    public Task<IApiResponse<ProvisionRequest>> FailProvisionAsync(Guid id, ProvisionFailure failure, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the synchronizer does not provision on demand");

    public Task<IApiResponse<ProvisionRequest>> ReportProvisionAsync(Guid id, ProvisionOutcome outcome, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the synchronizer does not provision on demand");

    private static IApiResponse<HeldPlan> Answer(HeldPlan? plan) =>
        new ApiResponse<HeldPlan>(new HttpResponseMessage(System.Net.HttpStatusCode.OK), plan, new RefitSettings());
}
