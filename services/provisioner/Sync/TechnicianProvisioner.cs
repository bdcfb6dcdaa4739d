using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// Applies one <see cref="UserChanged"/> to Rescue: gathers what <see cref="ProvisioningDecision"/> needs (read calls, and
/// the claim of a technician that has the user's email), then executes its <see cref="Plan"/> with the claim protocol of
/// <see cref="TechnicianClaimer"/>. Idempotent: the link's version in the config service says what was already applied,
/// so a duplicate or stale message changes nothing. Every outcome worth an operator's look goes to the user's history
/// (<see cref="HistoryEntries"/>): an applied change's entry rides on the link write that records it (same request, so an
/// initial sync pays no request for its history), a skipped or stale change's entry goes through the <see cref="HistoryWriter"/>'s batches.
/// </summary>
public sealed class TechnicianProvisioner(
    IRescueClient rescue,
    LinkStore links,
    TechnicianClaimer claimer,
    ConfigCache cache,
    TechnicianGroupCache groups,
    SyncLogWriter syncLog,
    HistoryWriter history,
    TimeProvider clock,
    ILogger<TechnicianProvisioner> logger)
{
    public const string NoMobileLicenceCode = "INVALIDPARAM_MOBILEADDON";
    private const string EmailInUseCode = "INVALIDPARAM_EMAIL_ALREADY_IN_USE";

    public async Task<ProvisioningOutcome> ApplyAsync(UserChanged change, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(change.DirectoryUserId) || change.MappingId == Guid.Empty)
        {
            throw new InvalidUserChangedException("no directory user id or mapping id");
        }

        var mapping = await cache.FindMappingAsync(change.MappingId, ct)
            ?? throw new UnknownMappingException(change.MappingId);

        var intentWritten = false;
        var (plan, link) = await ProvisioningDecision.DecideAsync(change, mapping,
            readLink: () => links.GetAsync(change.DirectoryUserId, ct),
            getTechnician: node => rescue.GetAsync(node, ct),
            findByEmail: async link =>
            {
                // Claimed before anything is decided about it: a technician another user holds is never written (rule 6).
                (var technician, intentWritten) = await claimer.FindAsync(change, mapping, link, ct);
                return technician is not null && !await claimer.ClaimExistingAsync(change, mapping, link, technician.NodeId, intentWritten, ct)
                    ? (technician, ProvisioningDecision.AnotherUser)
                    : (technician, null);
            },
            isInGroup: node => groups.IsDirectMemberAsync(mapping.TechnicianGroupId, node, ct));

        var result = await ExecuteAsync(plan, change, mapping, link, intentWritten, ct);
        return new ProvisioningOutcome(result, plan.Label(result));
    }

    private async Task<ProvisioningResult> ExecuteAsync(Plan plan, UserChanged change, Mapping mapping, TechnicianLink? link, bool intentWritten, CancellationToken ct)
    {
        switch (plan)
        {
            case Plan.Skip skip:
                if (skip.Log is { } line)
                {
                    await syncLog.WriteAsync(new NewSyncLogEntry(line.Level, "provisioner", line.Operation, line.Message, change.MappingId,
                        change.DirectoryUserId, line.Code, false, change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email), ct);
                }
                await history.WriteAsync(HistoryEntries.Skipped(change, skip.Reason, skip.NodeId), ct);
                return ProvisioningResult.Skipped;
            case Plan.Stale stale:
                return await StaleAsync(change, stale, ct);
            case Plan.NoTechnician none:
                if (none.RecoverOrphan && await claimer.AdoptOrphanAsync(change, mapping, link, ct) is { } orphan)
                {
                    return await WriteAsync(change, mapping, orphan, null, ProvisioningDecision.ForChange(orphan, change, mapping, null), justClaimed: true, ct: ct);
                }
                // The version is recorded, in a link without a technician, so that an older Enabled version redelivered later is
                // recognised as stale instead of creating one. The history entry rides on that link write (stored only if the link is).
                var recorded = await links.PutAsync(new TechnicianLink(change.DirectoryUserId, mapping.Id, null, change.Version, change.State,
                    clock.GetUtcNow(), link?.CreatePendingSince, HistoryEntries.Skipped(change, none.Reason)), ct);
                if (recorded == LinkWrite.Stored)
                {
                    return ProvisioningResult.Skipped;
                }

                await history.WriteAsync(HistoryEntries.Dropped(change, "A newer version of the user was applied meanwhile: this change was dropped."), ct);
                return ProvisioningResult.Stale;
            case Plan.Create create:
                // A technician linked but left empty was claimed earlier (a compare-and-set that proved the version then);
                // one claimed by this message just now proved it already.
                var node = create.NodeId ?? await claimer.CreateAsync(change, mapping, link, create.RecoverOrphan, intentWritten, ct);
                return await WriteAsync(change, mapping, node, null, create.Command with { NodeId = node },
                    justClaimed: create.NodeId is null || link?.TechnicianNodeId is null, ct: ct);
            case Plan.Link linking:
                return await WriteAsync(change, mapping, linking.Technician.NodeId, linking.Technician, linking.Command, justClaimed: true, linked: true, ct: ct);
            case Plan.Write write:
                return await WriteAsync(change, mapping, write.Technician.NodeId, write.Technician, write.Command, justClaimed: false,
                    statusOnly: write is Plan.StatusOnly, ct: ct);
            case Plan.NoChange same:
                return await WriteAsync(change, mapping, same.Technician.NodeId, same.Technician, null, justClaimed: false, ct: ct);
            default:
                throw new InvalidOperationException($"Unknown plan {plan.GetType().Name}.");
        }
    }

    /// <summary>
    /// setUser_v2 when the technician differs (<paramref name="command"/> null: it does not), then the link records the
    /// version with the history entry. <paramref name="justClaimed"/>: the link was written by this message (a compare-and-set
    /// on the version it read), so no newer version can have been applied since.
    /// </summary>
    private async Task<ProvisioningResult> WriteAsync(UserChanged change, Mapping mapping, long nodeId, RescueTechnician? before, SetUserCommand? command,
        bool justClaimed, bool linked = false, bool statusOnly = false, CancellationToken ct = default)
    {
        var isNew = ProvisioningDecision.IsNew(before);
        var written = command is not null && (isNew || !ProvisioningDecision.IsApplied(before!, command));
        if (written)
        {
            // Defence in depth for ordering (see UserChangedConsumerDefinition): if another instance applied a newer
            // version since the first read, this one is stale and must not reach Rescue.
            if (!justClaimed && ProvisioningDecision.IfStale(change, await links.GetAsync(change.DirectoryUserId, ct)) is Plan.Stale stale)
            {
                return await StaleAsync(change, stale, ct);
            }

            var password = isNew ? (await cache.GetAsync(ct)).DefaultPassword : null;
            if (!await SetUserAsync(command! with { Password = password }, change, isNew, ct))
            {
                return ProvisioningResult.Failed;
            }
        }
        var result = !written ? ProvisioningResult.Unchanged : isNew ? ProvisioningResult.Created : ProvisioningResult.Updated;

        // Refused only as stale (another instance applied a newer version since): ours is then harmless.
        var entry = command is null ? null : HistoryEntries.ForApplied(change, nodeId, before, command, linked, statusOnly, written);
        await links.PutAsync(new TechnicianLink(change.DirectoryUserId, mapping.Id, nodeId, change.Version, change.State, clock.GetUtcNow(),
            History: entry), ct);
        logger.TechnicianProvisioned(result, nodeId, change.DirectoryUserId, change.Version, change.State);
        return result;
    }

    private async Task<ProvisioningResult> StaleAsync(UserChanged change, Plan.Stale stale, CancellationToken ct)
    {
        if (HistoryEntries.Stale(change, stale.AppliedVersion, stale.NodeId) is { } entry)
        {
            await history.WriteAsync(entry, ct);
        }

        return ProvisioningResult.Stale;
    }

    /// <summary>
    /// setUser_v2 with the mapping's mobile add-on. No free licence must not block the rest of the change (name,
    /// email, status, first password): it is recorded and the call repeated without the add-on; a later change
    /// asks for the add-on again, by then a licence may be free.
    /// </summary>
    private async Task<bool> SetUserAsync(SetUserCommand command, UserChanged change, bool isNew, CancellationToken ct)
    {
        try
        {
            await rescue.SetUserAsync(command, ct);
            return true;
        }
        catch (RescueApiException ex) when (isNew && ex.Kind == RescueErrorKind.Permanent && ex.Code.StartsWith(RescueResultCodes.InvalidParamPrefix, StringComparison.Ordinal)
            && ex.Code != NoMobileLicenceCode)
        {
            // The technician exists (createUser), but Rescue refuses the values, so it stays empty. It stays linked to this
            // user, reserved: the user's next change (the corrected mail) completes this same technician, never a second one.
            await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", ex.Method,
                $"Rescue refused {await DescribeAsync(ex.Code, command, ct)} for new technician {command.NodeId} ({ex.Code}). The technician was " +
                "created but is empty and unusable; it stays reserved for this user and is completed as soon as the directory " +
                "value is corrected (no second technician is created).",
                change.MappingId, change.DirectoryUserId, ex.Code, false, change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email), ct);
            return false;
        }
        catch (RescueApiException ex) when (ex.Code == NoMobileLicenceCode && command.MobileAddon)
        {
            await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Warning, "provisioner", ex.Method,
                $"No free mobile licence for technician {command.NodeId}: the rest of the change was applied without the mobile add-on.",
                change.MappingId, change.DirectoryUserId, ex.Code, false, change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email), ct);
            await rescue.SetUserAsync(command with { MobileAddon = false }, ct);
            return true;
        }
        catch (RescueApiException ex) when (ex.Code == EmailInUseCode)
        {
            throw new RescueApiException(ex.Kind, ex.Code, ex.Method,
                $"Rescue refused {await DescribeAsync(ex.Code, command, ct)} for technician {command.NodeId} ({ex.Code}).", ex.RetryAfter, ex);
        }
    }

    /// <summary>The directory's email is quoted (the MAH must find the wrong value), with the technician that holds it; a refused password never is.</summary>
    private async Task<string> DescribeAsync(string code, SetUserCommand command, CancellationToken ct)
    {
        if (code != EmailInUseCode)
        {
            return Describe(code, command);
        }

        var holder = await rescue.FindByEmailAsync(command.Email, ct);
        return holder is null
            ? $"the email address '{command.Email}' (another technician has it)"
            : $"the email address '{command.Email}' (technician {holder.NodeId}, '{holder.Name}', has it)";
    }

    private static string Describe(string code, SetUserCommand command) => code switch
    {
        "INVALIDPARAM_EMAIL" => $"the email address '{command.Email}'",
        "INVALIDPARAM_NAME" => "the name (empty or too long)",
        _ => "a value (the default password, if the code names it: replace it in the config service)",
    };
}
