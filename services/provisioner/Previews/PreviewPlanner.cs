using System.Net;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Previews;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Operations;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Previews;

/// <summary>
/// Computes a preview's plan: for every state the reader would publish, what <see cref="TechnicianProvisioner"/> and
/// <see cref="TechnicianClaimer"/> would do with it, decided by the same rules (<see cref="ForcedVersions"/>,
/// <see cref="TechnicianCommands"/>), but through read calls only: getUser_v3, getHierarchy_v2 and the link table.
/// Nothing is created, set, linked or logged.
/// </summary>
public sealed class PreviewPlanner(IRescueClient rescue, LinkStore links, IPreviewsApi previews, ConfigCache cache, TechnicianGroupCache groups)
{
    public const string MovedNote = "Moved out of the mapping's Technician Group by a Rescue admin: only its status follows the directory (rule 4, docs/rules.md).";

    public async Task<PreviewPlan> PlanAsync(PreviewInput input, CancellationToken ct)
    {
        var items = new List<PreviewItem>();
        var noChange = 0;
        foreach (var (_, read) in input.Mappings.OrderBy(m => m.Key))
        {
            noChange += read.Unchanged;
            foreach (var change in read.Changes)
            {
                if (await PlanAsync(change, ct) is { } item)
                    items.Add(item);
                else
                    noChange++;
            }
        }
        return new PreviewPlan(PreviewSummary.Of(items, noChange), items);
    }

    /// <summary>One state: the planned change, or null when applying it would change nothing.</summary>
    public async Task<PreviewItem?> PlanAsync(UserChanged change, CancellationToken ct)
    {
        var mapping = await cache.FindMappingAsync(change.MappingId, ct);
        // A disabled mapping is planned as it would be once enabled: a preview is how one checks it before enabling it.
        if (mapping is null)
            return Skip(change, $"Mapping {change.MappingId} was deleted since the directory was read: its users are not provisioned.");
        if (string.IsNullOrWhiteSpace(change.Email) || string.IsNullOrWhiteSpace(change.DisplayName))
            return Skip(change, "The directory user has no usable name or email (mail / userPrincipalName); Rescue requires both.");

        var link = await links.GetAsync(change.DirectoryUserId, ct);
        if (link is not null && ForcedVersions.IsStale(link.Version, change))
            return null; // This version (or a newer one) is applied already.

        RescueTechnician? technician;
        long nodeId;
        var linking = false;
        if (link?.TechnicianNodeId is not { } linkedNode)
        {
            if (await rescue.FindByEmailAsync(change.Email, ct) is { } existing)
            {
                if (await OwnerAsync(existing.NodeId, ct) is { } owner && owner.DirectoryUserId != change.DirectoryUserId)
                    return Skip(change, $"Technician {existing.NodeId} has this user's email but is already linked to another directory user " +
                        $"({owner.DirectoryUserId}): two directory users share one email address. Nothing would be changed.", existing.NodeId, Fields(existing));
                (technician, nodeId, linking) = (existing, existing.NodeId, true);
            }
            else if (change.State != UserState.Enabled)
            {
                return null; // No technician and none wanted: nothing to disable, no licence to spend.
            }
            else
            {
                return Item(PreviewAction.Create, change, null, null, Desired(change, mapping),
                    link?.CreatePendingSince is null ? null : "An interrupted create is completed: an empty technician left in the group is used, or a new one created.");
            }
        }
        else
        {
            nodeId = linkedNode;
            technician = await rescue.GetAsync(nodeId, ct);
            if (technician is null)
                return Skip(change, $"Technician node {nodeId} linked to this user no longer exists in Rescue; nothing would be changed.", nodeId);
        }

        var moved = false;
        var command = TechnicianCommands.ForChange(nodeId, change, mapping, technician, password: null);
        command = await TechnicianCommands.ForPlaceAsync(command, technician, mapping, async () =>
        {
            var direct = await groups.IsDirectMemberAsync(mapping.TechnicianGroupId, nodeId, ct);
            moved = !direct;
            return direct;
        });
        var after = new TechnicianFields(command.Name, command.Email, command.Enabled);
        var note = moved ? MovedNote : null;
        if (TechnicianCommands.IsNew(technician))
            return Item(linking ? PreviewAction.Link : PreviewAction.Create, change, nodeId, null, after,
                "Technician left empty by an interrupted create: it is completed, no second one is created.");
        var before = Fields(technician!);
        if (linking)
            return Item(PreviewAction.Link, change, nodeId, before, after,
                note ?? "An existing technician has this user's email: it is linked to the user, not duplicated (rule 5, docs/rules.md).");
        if (TechnicianCommands.IsApplied(technician!, command))
            return null;
        var action = (before.Enabled, after.Enabled) switch
        {
            (true, false) => PreviewAction.Disable,
            (false, true) => PreviewAction.Enable,
            _ => PreviewAction.Update,
        };
        if (action == PreviewAction.Update && before == after)
            note = (note is null ? "" : note + " ") + $"Only the mobile add-on changes ({(command.MobileAddon ? "given" : "taken away")}).";
        return Item(action, change, nodeId, before, after, note);
    }

    private async Task<TechnicianLinkOwner?> OwnerAsync(long nodeId, CancellationToken ct)
    {
        using var response = await previews.GetTechnicianLinkAsync(nodeId, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (!response.IsSuccessStatusCode || response.Content is null)
            throw new HttpRequestException($"Config service answered {(int?)response.StatusCode} reading the link of technician {nodeId}.");
        return response.Content;
    }

    private static TechnicianFields Desired(UserChanged change, Mapping mapping) => new(change.DisplayName, change.Email, change.State == UserState.Enabled);

    private static TechnicianFields Fields(RescueTechnician technician) => new(technician.Name, technician.Email, technician.Enabled);

    private static PreviewItem Item(PreviewAction action, UserChanged change, long? nodeId, TechnicianFields? before, TechnicianFields? after, string? note) =>
        new(action, change.MappingId, change.DirectoryUserId, change.DistinguishedName, change.State, nodeId, before, after, note);

    private static PreviewItem Skip(UserChanged change, string reason, long? nodeId = null, TechnicianFields? before = null) =>
        Item(PreviewAction.Skip, change, nodeId, before, null, reason);
}
