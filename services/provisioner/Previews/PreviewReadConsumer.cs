using System.Net;
using MassTransit;
using RescueAdSync.Contracts.Previews;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Previews;

/// <summary>
/// Computes the plan of a preview the reader has read and stores it on the preview. A preview that is gone (expired) or
/// already planned is left alone; a Rescue or config failure while planning fails the preview with the reason (an operator
/// asks again), so nothing waits on a redelivery.
/// </summary>
public sealed class PreviewReadConsumer(IPreviewsApi previews, PreviewPlanner planner, Sync.RescueAuthGate authGate, ILogger<PreviewReadConsumer> logger) : IConsumer<PreviewRead>
{
    public async Task Consume(ConsumeContext<PreviewRead> context)
    {
        var id = context.Message.PreviewId;
        var ct = context.CancellationToken;
        using var input = await previews.GetInputAsync(id, ct);
        if (input.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            logger.PreviewGone(id, (int)input.StatusCode);
            return;
        }
        if (!input.IsSuccessStatusCode || input.Content is null)
        {
            throw new HttpRequestException($"Config service answered {(int?)input.StatusCode} reading preview {id}.");
        }

        PreviewPlan plan;
        try
        {
            plan = authGate.IsPaused
                ? new PreviewPlan(null, null, "Rescue refuses the sync's credentials (provisioning is paused until they are fixed): check the service " +
                    "token and the MAH credentials (PUT /api/rescue-account). Nothing was changed.")
                : await planner.PlanAsync(input.Content, ct);
        }
        catch (RescueApiException ex) when (ex.Kind == RescueErrorKind.Authentication)
        {
            plan = new PreviewPlan(null, null, $"Rescue refused the sync's credentials ({ex.Code}) in {ex.Method}: check the service token and " +
                "the MAH credentials (PUT /api/rescue-account). Nothing was changed.");
        }
        catch (RescueApiException ex)
        {
            plan = new PreviewPlan(null, null, $"Rescue failed in {ex.Method} ({ex.Code}): {ex.Message}. Nothing was changed; request the preview again.");
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            plan = new PreviewPlan(null, null, $"Computing the plan failed: {ex.Message}. Nothing was changed; request the preview again.");
        }
        using var stored = await previews.StorePlanAsync(id, plan, ct);
        if (!stored.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Config service answered {(int?)stored.StatusCode} storing the plan of preview {id}.");
        }

        logger.PreviewPlanned(id, plan.Error is null ? $"plan of {plan.Items!.Count} changes stored" : $"failed: {plan.Error}");
    }
}
