using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Operations;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// Applies one <see cref="UserChanged"/> to Rescue. Idempotent: the link's version in the config
/// service says what was already applied, so a duplicate or stale message changes nothing.
/// Never deletes and never moves a technician (rules 1 and 4, docs/rules.md): the Rescue client cannot. A technician that is
/// not (or no longer) directly in the mapping's group was moved by a Rescue admin: it only gets status updates.
/// Every outcome worth an operator's look goes to the user's history (<see cref="HistoryEntries"/>): an applied change's
/// entry rides on the link write that records it (same request, so an initial sync pays no request for its history),
/// a skipped or stale change's entry goes through the <see cref="HistoryWriter"/>'s batches.
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

    /// <summary>
    /// What the last <see cref="ApplyAsync"/> did, in the operator's words (provision on demand shows it): Linked (an
    /// existing technician with the user's email was adopted), Enabled (a disabled technician enabled again), Disabled,
    /// or null when the <see cref="ProvisioningResult"/> says it all.
    /// </summary>
    public string? OutcomeDetail { get; private set; }

    public async Task<ProvisioningResult> ApplyAsync(UserChanged change, CancellationToken ct)
    {
        OutcomeDetail = null;
        if (string.IsNullOrWhiteSpace(change.DirectoryUserId) || change.MappingId == Guid.Empty)
            throw new InvalidUserChangedException("no directory user id or mapping id");
        var mapping = await cache.FindMappingAsync(change.MappingId, ct)
            ?? throw new UnknownMappingException(change.MappingId);
        if (!mapping.Enabled)
        {
            await history.WriteAsync(HistoryEntries.Skipped(change, "The mapping is disabled: its changes are not applied."), ct);
            return ProvisioningResult.Skipped;
        }

        if (string.IsNullOrWhiteSpace(change.Email) || string.IsNullOrWhiteSpace(change.DisplayName))
        {
            await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "validate",
                "The directory user has no usable name or email (mail / userPrincipalName); Rescue requires both.",
                change.MappingId, change.DirectoryUserId, "MISSING_NAME_OR_EMAIL", false, change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email), ct);
            await history.WriteAsync(HistoryEntries.Skipped(change, "The directory user has no usable name or email; Rescue requires both."), ct);
            return ProvisioningResult.Skipped;
        }

        var link = await links.GetAsync(change.DirectoryUserId, ct);
        if (link is not null && ForcedVersions.IsStale(link.Version, change))
            return await StaleAsync(change, link, ct);

        RescueTechnician? technician;
        long nodeId;
        var linkedExisting = false;
        // True when this message has just written the link (a claim): a compare-and-set on the version it read, so no newer
        // version can have been applied before that write.
        var linkJustWritten = false;
        if (link?.TechnicianNodeId is not { } linkedNode)
        {
            var claim = await claimer.ClaimAsync(change, mapping, link, ct);
            if (claim.Done is { } done)
            {
                if (claim.Reason is { } reason)
                {
                    await history.WriteAsync(done == ProvisioningResult.Stale
                        ? HistoryEntries.Dropped(change, reason)
                        : HistoryEntries.Skipped(change, reason), ct);
                }
                return done;
            }
            (nodeId, technician, linkJustWritten) = (claim.NodeId, claim.Technician, true);
            linkedExisting = technician is not null && !string.IsNullOrEmpty(technician.Email);
        }
        else
        {
            nodeId = linkedNode;
            technician = await rescue.GetAsync(nodeId, ct);
            if (technician is null)
            {
                await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Warning, "provisioner", "getUser_v3",
                    $"Technician node {nodeId} linked to this user no longer exists in Rescue; nothing was changed.",
                    change.MappingId, change.DirectoryUserId, "INVALIDPARAM_NODE", false, change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email), ct);
                await history.WriteAsync(HistoryEntries.Skipped(change,
                    $"Technician node {nodeId} linked to this user no longer exists in Rescue; nothing was changed.", nodeId), ct);
                return ProvisioningResult.Skipped;
            }
        }

        var isNew = TechnicianCommands.IsNew(technician);
        var wanted = TechnicianCommands.ForChange(nodeId, change, mapping, technician, isNew ? (await cache.GetAsync(ct)).DefaultPassword : null);
        var command = await TechnicianCommands.ForPlaceAsync(wanted, technician, mapping,
            () => groups.IsDirectMemberAsync(mapping.TechnicianGroupId, nodeId, ct));

        var result = ProvisioningResult.Unchanged;
        if (isNew || !TechnicianCommands.IsApplied(technician!, command))
        {
            // Defence in depth for ordering (see UserChangedConsumerDefinition): if another instance applied a newer
            // version since the first read, this one is stale and must not reach Rescue. After a claim the link was just
            // written with a compare-and-set on that first read's version, which already proved it; reading it again
            // would cost a config-service round trip per new user for nothing.
            if (!linkJustWritten && await links.GetAsync(change.DirectoryUserId, ct) is { } latest && ForcedVersions.IsStale(latest.Version, change))
                return await StaleAsync(change, latest, ct);
            if (!await SetUserAsync(command, change, isNew, ct))
                return ProvisioningResult.Failed;
            result = isNew ? ProvisioningResult.Created : ProvisioningResult.Updated;
        }

        OutcomeDetail = linkedExisting ? "Linked"
            : result != ProvisioningResult.Updated ? null
            : change.State != UserState.Enabled ? (technician!.Enabled ? "Disabled" : null)
            : technician!.Enabled ? null : "Enabled";

        // Refused only as stale (another instance applied a newer version since): ours is then harmless.
        var entry = HistoryEntries.ForApplied(change, nodeId, technician, command, linkedExisting, statusOnly: command != wanted,
            written: result != ProvisioningResult.Unchanged);
        await links.PutAsync(new TechnicianLink(change.DirectoryUserId, mapping.Id, nodeId, change.Version, change.State, clock.GetUtcNow(),
            History: entry), ct);
        logger.LogInformation("{Result} technician {NodeId} for {DirectoryUserId} (version {Version}, {State})",
            result, nodeId, change.DirectoryUserId, change.Version, change.State);
        return result;
    }

    private async Task<ProvisioningResult> StaleAsync(UserChanged change, TechnicianLink applied, CancellationToken ct)
    {
        if (HistoryEntries.Stale(change, applied.Version, applied.TechnicianNodeId) is { } entry)
            await history.WriteAsync(entry, ct);
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
