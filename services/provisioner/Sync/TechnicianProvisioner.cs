using System.Net;
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
/// Never deletes and never moves a technician (SPEC rules 1 and 4): the Rescue client cannot. A technician that is
/// not (or no longer) directly in the mapping's group was moved by a Rescue admin: it only gets status updates.
/// </summary>
public sealed class TechnicianProvisioner(
    IRescueClient rescue,
    IConfigApi config,
    ConfigCache cache,
    TechnicianGroupCache groups,
    SyncLogWriter syncLog,
    TimeProvider clock,
    ILogger<TechnicianProvisioner> logger)
{
    public const string NoMobileLicenceCode = "INVALIDPARAM_MOBILEADDON";

    public async Task<ProvisioningResult> ApplyAsync(UserChanged change, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(change.DirectoryUserId) || change.MappingId == Guid.Empty)
            throw new InvalidUserChangedException("no directory user id or mapping id");
        var mapping = await cache.FindMappingAsync(change.MappingId, ct)
            ?? throw new UnknownMappingException(change.MappingId);
        if (!mapping.Enabled)
            return ProvisioningResult.Skipped;

        if (string.IsNullOrWhiteSpace(change.Email) || string.IsNullOrWhiteSpace(change.DisplayName))
        {
            await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "validate",
                "The directory user has no usable name or email (mail / userPrincipalName); Rescue requires both.",
                change.MappingId, change.DirectoryUserId, "MISSING_NAME_OR_EMAIL", false, change.CorrelationId), ct);
            return ProvisioningResult.Skipped;
        }

        var link = await GetLinkAsync(change.DirectoryUserId, ct);
        if (link is not null && ForcedVersions.IsStale(link.Version, change))
            return ProvisioningResult.Stale;

        var enabled = change.State == UserState.Enabled;
        RescueTechnician? technician;
        long nodeId;
        if (link is null)
        {
            // SPEC rule 5: a technician with the same email is linked to, not duplicated.
            technician = await rescue.FindByEmailAsync(change.Email, ct);
            if (technician is null)
            {
                if (!enabled)
                    return ProvisioningResult.Skipped; // nothing to disable, and no licence to spend on it
                nodeId = await rescue.CreateUserAsync(mapping.TechnicianGroupId, ct);
                // Remember the empty technician at once (version 0), so that a crash before setUser_v2
                // finishes it on the retry instead of creating a second one.
                await PutLinkAsync(new TechnicianLink(change.DirectoryUserId, mapping.Id, nodeId, 0, change.State, clock.GetUtcNow()), ct);
            }
            else
            {
                nodeId = technician.NodeId;
            }
        }
        else
        {
            nodeId = link.TechnicianNodeId;
            technician = await rescue.GetAsync(nodeId, ct);
            if (technician is null)
            {
                await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Warning, "provisioner", "getUser_v3",
                    $"Technician node {nodeId} linked to this user no longer exists in Rescue; nothing was changed.",
                    change.MappingId, change.DirectoryUserId, "INVALIDPARAM_NODE", false, change.CorrelationId), ct);
                return ProvisioningResult.Skipped;
            }
        }

        // A technician without an email is one that createUser made and setUser_v2 never finished.
        var isNew = technician is null || string.IsNullOrEmpty(technician.Email);
        var command = new SetUserCommand(
            nodeId,
            change.DisplayName,
            change.Email,
            enabled,
            MobileAddon: enabled && mapping.MobileAddon,
            RpatAddon: technician?.HasRpatAddon ?? false,
            Nick: technician?.Nick,
            SsoId: technician?.SsoId,
            Description: technician?.Description,
            Password: isNew ? (await cache.GetAsync(ct)).DefaultPassword : null);

        var result = ProvisioningResult.Unchanged;
        if (!isNew && !TechnicianCommands.IsApplied(technician!, command)
            && !await groups.IsDirectMemberAsync(mapping.TechnicianGroupId, nodeId, ct))
        {
            // SPEC rule 4: a Rescue admin moved it; its name, email and place are theirs now, only the status follows.
            command = TechnicianCommands.StatusOnly(technician!, enabled, mapping.MobileAddon);
        }

        if (isNew || !TechnicianCommands.IsApplied(technician!, command))
        {
            // Defence in depth for ordering (see UserChangedConsumerDefinition): if another instance applied a newer
            // version since the first read, this one is stale and must not reach Rescue.
            if (await GetLinkAsync(change.DirectoryUserId, ct) is { } latest && ForcedVersions.IsStale(latest.Version, change))
                return ProvisioningResult.Stale;
            await SetUserAsync(command, change, ct);
            result = isNew ? ProvisioningResult.Created : ProvisioningResult.Updated;
        }

        await PutLinkAsync(new TechnicianLink(change.DirectoryUserId, mapping.Id, nodeId, change.Version, change.State, clock.GetUtcNow()), ct);
        logger.LogInformation("{Result} technician {NodeId} for {DirectoryUserId} (version {Version}, {State})",
            result, nodeId, change.DirectoryUserId, change.Version, change.State);
        return result;
    }

    /// <summary>
    /// setUser_v2 with the mapping's mobile add-on. No free licence must not block the rest of the change (name,
    /// email, status, first password): it is recorded and the call repeated without the add-on; a later change
    /// asks for the add-on again, by then a licence may be free.
    /// </summary>
    private async Task SetUserAsync(SetUserCommand command, UserChanged change, CancellationToken ct)
    {
        try
        {
            await rescue.SetUserAsync(command, ct);
        }
        catch (RescueApiException ex) when (ex.Code == NoMobileLicenceCode && command.MobileAddon)
        {
            await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Warning, "provisioner", ex.Method,
                $"No free mobile licence for technician {command.NodeId}: the rest of the change was applied without the mobile add-on.",
                change.MappingId, change.DirectoryUserId, ex.Code, false, change.CorrelationId), ct);
            await rescue.SetUserAsync(command with { MobileAddon = false }, ct);
        }
    }

    private async Task<TechnicianLink?> GetLinkAsync(string directoryUserId, CancellationToken ct)
    {
        var response = await config.GetLinkAsync(directoryUserId, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (!response.IsSuccessStatusCode || response.Content is null)
            throw new HttpRequestException($"Config service answered {(int?)response.StatusCode} reading the link of {directoryUserId}.");
        return response.Content;
    }

    private async Task PutLinkAsync(TechnicianLink link, CancellationToken ct)
    {
        var response = await config.PutLinkAsync(link.DirectoryUserId, link, ct);
        // 409: another instance already applied a newer version; ours is stale and harmless.
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
            throw new HttpRequestException($"Config service answered {(int?)response.StatusCode} storing the link of {link.DirectoryUserId}.");
    }
}
