using System.Net;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// Applies one <see cref="UserChanged"/> to Rescue. Idempotent: the link's version in the config
/// service says what was already applied, so a duplicate or stale message changes nothing.
/// Never deletes and never moves a technician (SPEC rules 1 and 4): the Rescue client cannot.
/// </summary>
public sealed class TechnicianProvisioner(
    IRescueClient rescue,
    IConfigApi config,
    ConfigCache cache,
    SyncLogWriter syncLog,
    TimeProvider clock,
    ILogger<TechnicianProvisioner> logger)
{
    public async Task<ProvisioningResult> ApplyAsync(UserChanged change, CancellationToken ct)
    {
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
        if (link is not null && link.Version >= change.Version)
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
        if (isNew || !IsApplied(technician!, command))
        {
            await rescue.SetUserAsync(command, ct);
            result = isNew ? ProvisioningResult.Created : ProvisioningResult.Updated;
        }

        await PutLinkAsync(new TechnicianLink(change.DirectoryUserId, mapping.Id, nodeId, change.Version, change.State, clock.GetUtcNow()), ct);
        logger.LogInformation("{Result} technician {NodeId} for {DirectoryUserId} (version {Version}, {State})",
            result, nodeId, change.DirectoryUserId, change.Version, change.State);
        return result;
    }

    private static bool IsApplied(RescueTechnician technician, SetUserCommand command) =>
        technician.Name == command.Name
        && string.Equals(technician.Email, command.Email, StringComparison.OrdinalIgnoreCase)
        && technician.Status != "Disabled" == command.Enabled
        && technician.HasMobileAddon == command.MobileAddon;

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
