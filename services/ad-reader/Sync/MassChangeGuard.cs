using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Rule 10 of docs/rules.md: a cycle that would disable an unusual number of a mapping's technicians (an empty group after an LDAP
/// hiccup, a wrong filter, a deleted OU) is held instead of published. The caller then publishes nothing and does not
/// advance the mapping's state, so an approved run recomputes everything from the same starting point. Whether a plan
/// is open comes with the mapping itself (<see cref="Mapping.OpenPlanStatus"/>): Held skips the mapping, Approved
/// bypasses the guard once.
/// </summary>
public sealed class MassChangeGuard(IOperationsApi operations, ILogger<MassChangeGuard> logger)
{
    /// <summary>The verdict on one cycle's messages. Pure.</summary>
    /// <param name="mapping">The mapping with its thresholds.</param>
    /// <param name="previous">What was last published per user; null on the first cycle (which disables nobody).</param>
    /// <param name="messages">What the cycle is about to publish.</param>
    public static GuardVerdict Evaluate(Mapping mapping, IReadOnlyDictionary<string, KnownUser>? previous, IReadOnlyCollection<UserChanged> messages)
    {
        if (previous is null)
        {
            return new GuardVerdict(0, 0, null);
        }
        var enabled = previous.Values.Count(user => user.State == UserState.Enabled);
        // A disable is an Enabled technician that would stop being one; a new user who arrives disabled, or a disabled
        // one who also leaves the group, changes nobody's access.
        var disables = messages.Count(message => message.State != UserState.Enabled
            && previous.TryGetValue(message.DirectoryUserId, out var last) && last.State == UserState.Enabled);
        if (disables == 0)
        {
            return new GuardVerdict(0, enabled, null);
        }
        if (disables > mapping.GuardMaxDisables)
        {
            return new GuardVerdict(disables, enabled,
                $"The cycle would disable {disables} of {enabled} enabled technicians, more than the mapping's limit of {mapping.GuardMaxDisables} (guardMaxDisables).");
        }
        if (mapping.GuardMaxDisablePercent < 100 && disables >= MassChangeGuardDefaults.PercentRuleMinimum
            && disables * 100L > (long)mapping.GuardMaxDisablePercent * enabled)
        {
            return new GuardVerdict(disables, enabled,
                $"The cycle would disable {disables} of {enabled} enabled technicians ({disables * 100.0 / Math.Max(1, enabled):0.#} %), more than the mapping's limit of {mapping.GuardMaxDisablePercent} % (guardMaxDisablePercent).");
        }
        return new GuardVerdict(disables, enabled, null);
    }

    /// <summary>True when an operator has not decided on the mapping's held plan yet: the mapping is not read at all.</summary>
    public bool IsHeld(Mapping mapping)
    {
        var held = mapping.OpenPlanStatus == HeldPlanStatus.Held;
        MassChangeGuardMetrics.Holding.WithLabels(mapping.Id.ToString()).Set(held ? 1 : 0);
        if (held)
        {
            logger.PlanHeld(mapping.Id, mapping.OpenPlanId);
        }
        return held;
    }

    /// <summary>
    /// True when the cycle must not be published: the guard held it (the plan is stored, or storing it failed and the
    /// next cycle tries again). False when it may go: under the thresholds, or approved by an operator.
    /// </summary>
    public async Task<bool> HoldsAsync(Mapping mapping, IReadOnlyDictionary<string, KnownUser>? previous, IReadOnlyList<UserChanged> messages,
        Guid correlationId, CancellationToken cancellationToken)
    {
        var label = mapping.Id.ToString();
        if (mapping.OpenPlanStatus == HeldPlanStatus.Approved)
        {
            logger.PlanApproved(mapping.Id, mapping.OpenPlanId, messages.Count);
            return false;
        }
        var verdict = Evaluate(mapping, previous, messages);
        if (!verdict.Holds)
        {
            MassChangeGuardMetrics.Holding.WithLabels(label).Set(0);
            return false;
        }

        MassChangeGuardMetrics.Holding.WithLabels(label).Set(1);
        MassChangeGuardMetrics.Holds.WithLabels(label).Inc();
        logger.GuardHolds(mapping.Id, verdict.HoldReason);
        var changes = messages.Take(NewHeldPlan.MaxChanges)
            .Select(message => new PlannedChange(message.DirectoryUserId, message.DistinguishedName, message.DisplayName, message.Email, message.State,
                previous!.TryGetValue(message.DirectoryUserId, out var last) ? last.State : null))
            .ToList();
        try
        {
            using var response = await operations.HoldPlanAsync(
                new NewHeldPlan(mapping.Id, verdict.HoldReason!, verdict.Disables, verdict.EnabledMembers, messages.Count, changes, correlationId),
                cancellationToken);
            if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.Conflict)
            {
                logger.HeldPlanRefused(mapping.Id, (int?)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.HeldPlanFailed(mapping.Id, ex.Message, ex);
        }
        return true;
    }

    /// <summary>After a cycle was published and its state saved: an approved plan is now applied.</summary>
    public async Task CycleCompletedAsync(Mapping mapping, CancellationToken cancellationToken)
    {
        if (mapping.OpenPlanStatus != HeldPlanStatus.Approved || mapping.OpenPlanId is not { } planId)
        {
            return;
        }
        try
        {
            using var response = await operations.MarkPlanAppliedAsync(planId, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                MassChangeGuardMetrics.Holding.WithLabels(mapping.Id.ToString()).Set(0);
                logger.ApprovedPlanApplied(mapping.Id, planId);
                return;
            }
            logger.PlanAppliedRefused(mapping.Id, planId, (int?)response.StatusCode);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.PlanAppliedFailed(mapping.Id, planId, ex.Message, ex);
        }
    }
}
