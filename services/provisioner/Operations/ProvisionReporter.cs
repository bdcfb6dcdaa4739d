using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Operations;

/// <summary>
/// Reports the result of a provision-on-demand message (<see cref="UserChanged.ProvisionRequestId"/>) on its request in the
/// config service: the outcome and the linked technician node, or the error. Never fails the message: the change itself
/// is applied; a lost report leaves the request Published (logged).
/// </summary>
public sealed class ProvisionReporter(IOperationsApi operations, ILogger<ProvisionReporter> logger)
{
    public async Task ReportAsync(UserChanged change, ProvisioningOutcome outcome, LinkStore links, CancellationToken ct)
    {
        if (change.ProvisionRequestId is not { } id)
        {
            return;
        }
        long? nodeId = null;
        try
        {
            nodeId = (await links.GetAsync(change.DirectoryUserId, ct))?.TechnicianNodeId;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.ProvisionLinkReadFailed(id, ex.Message, ex);
        }
        var error = outcome.Result switch
        {
            ProvisioningResult.Failed => "Rescue refused the values of the new technician (see the sync log for the code).",
            ProvisioningResult.Skipped => "Nothing was applied: the user has no usable name or email, the mapping is disabled, or the linked technician no longer exists (see the sync log).",
            _ => null,
        };
        await SendAsync(id, new ProvisionOutcome(outcome.Label, nodeId, error), ct);
    }

    public Task FailedAsync(UserChanged change, string error, CancellationToken ct) =>
        change.ProvisionRequestId is { } id ? SendAsync(id, new ProvisionOutcome("Failed", null, error), ct) : Task.CompletedTask;

    private async Task SendAsync(Guid id, ProvisionOutcome outcome, CancellationToken ct)
    {
        try
        {
            using var response = await operations.ReportProvisionAsync(id, outcome, ct);
            if (!response.IsSuccessStatusCode)
            {
                logger.ProvisionReportRefused(id, (int?)response.StatusCode);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.ProvisionReportFailed(id, ex.Message, ex);
        }
    }
}
