using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// A full resync an operator asked for (<see cref="Mapping.ResyncRequestId"/>): the cycle reads the mapping in full and
/// publishes every known user's state, changed or not, with <see cref="UserChanged.Force"/>, so the provisioner
/// re-applies it at the same version and repairs drift made by hand in Rescue.
/// </summary>
public sealed class FullResync(IOperationsApi operations, ILogger<FullResync> logger)
{
    public static bool Requested(Mapping mapping) => mapping.ResyncRequestId is not null;

    /// <summary>What the cycle publishes: its changes, or, for a resync, every known user's state (forced).</summary>
    public static IReadOnlyList<UserChanged> Messages(Mapping mapping, MembershipDiffResult diff, Guid correlationId, DateTimeOffset now)
    {
        if (!Requested(mapping))
        {
            return diff.Messages;
        }
        // The diff's messages carry the same versions as the new state, so publishing the state covers them.
        return new UserChangedList(mapping.Id, diff.Users.Values, now, correlationId, force: true);
    }

    /// <summary>After the forced states were confirmed and the state saved: the request is done.</summary>
    public async Task CompletedAsync(Mapping mapping, int published, CancellationToken cancellationToken)
    {
        if (mapping.ResyncRequestId is not { } id)
        {
            return;
        }
        try
        {
            using var response = await operations.MarkResyncDoneAsync(id, new ResyncCompletion(published), cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                logger.ResyncDone(mapping.Id, id, published);
                return;
            }
            logger.ResyncReportRefused(mapping.Id, id, (int?)response.StatusCode);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Harmless: the next cycle republishes once more (forced states are idempotent) and reports again.
            logger.ResyncReportFailed(mapping.Id, id, ex.Message, ex);
        }
    }
}
