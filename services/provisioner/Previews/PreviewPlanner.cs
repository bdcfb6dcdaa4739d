using System.Net;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Previews;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Previews;

/// <summary>
/// Computes a preview's plan: for every state the reader would publish, the <see cref="Plan"/> the consumer would execute,
/// decided by <see cref="ProvisioningDecision"/> from read calls only: getUser_v3, getHierarchy_v2 and the link table.
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
                {
                    items.Add(item);
                }
                else
                {
                    noChange++;
                }
            }
        }
        return new PreviewPlan(PreviewSummary.Of(items, noChange), items);
    }

    /// <summary>One state: the planned change, or null when applying it would change nothing.</summary>
    public async Task<PreviewItem?> PlanAsync(UserChanged change, CancellationToken ct)
    {
        // A disabled mapping is planned as it would be once enabled: a preview is how one checks it before enabling it.
        var mapping = await cache.FindMappingAsync(change.MappingId, ct) is { } found ? found with { Enabled = true } : null;
        var (plan, link) = await ProvisioningDecision.DecideAsync(change, mapping,
            readLink: () => links.GetAsync(change.DirectoryUserId, ct),
            getTechnician: node => rescue.GetAsync(node, ct),
            findByEmail: async _ =>
            {
                var technician = await rescue.FindByEmailAsync(change.Email, ct);
                return technician is not null && await OwnerAsync(technician.NodeId, ct) is { } owner && owner.DirectoryUserId != change.DirectoryUserId
                    ? (technician, owner.DirectoryUserId)
                    : (technician, null);
            },
            isInGroup: node => groups.IsDirectMemberAsync(mapping!.TechnicianGroupId, node, ct));
        return Render(plan, change, link);
    }

    private static PreviewItem? Render(Plan plan, UserChanged change, TechnicianLink? link)
    {
        switch (plan)
        {
            case Plan.Skip skip:
                return Item(PreviewAction.Skip, change, skip.NodeId ?? skip.Technician?.NodeId, skip.Technician is { } held ? Fields(held) : null, null,
                    skip.Note ?? skip.Reason);
            case Plan.Create { NodeId: null } create:
                return Item(PreviewAction.Create, change, null, null, Fields(create.Command),
                    create.RecoverOrphan ? "An interrupted create is completed: an empty technician left in the group is used, or a new one created." : null);
            case Plan.Create create:
                return Item(link?.TechnicianNodeId is null ? PreviewAction.Link : PreviewAction.Create, change, create.NodeId, null, Fields(create.Command),
                    "Technician left empty by an interrupted create: it is completed, no second one is created.");
            case Plan.Link linking:
                return Item(PreviewAction.Link, change, linking.Technician.NodeId, Fields(linking.Technician), Fields(linking.Command),
                    linking.Moved ? MovedNote : "An existing technician has this user's email: it is linked to the user, not duplicated (rule 5, docs/rules.md).");
            case Plan.Write write:
                var (before, after) = (Fields(write.Technician), Fields(write.Command));
                var note = write is Plan.StatusOnly ? MovedNote : null;
                var action = (before.Enabled, after.Enabled) switch
                {
                    (true, false) => PreviewAction.Disable,
                    (false, true) => PreviewAction.Enable,
                    _ => PreviewAction.Update,
                };
                if (action == PreviewAction.Update && before == after)
                {
                    note = (note is null ? "" : note + " ") + $"Only the mobile add-on changes ({(write.Command.MobileAddon ? "given" : "taken away")}).";
                }

                return Item(action, change, write.Technician.NodeId, before, after, note);
            default:
                // Stale (this version, or a newer one, is applied already), no change, or no technician and none wanted.
                return null;
        }
    }

    private async Task<TechnicianLinkOwner?> OwnerAsync(long nodeId, CancellationToken ct)
    {
        using var response = await previews.GetTechnicianLinkAsync(nodeId, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode || response.Content is null)
        {
            throw new HttpRequestException($"Config service answered {(int?)response.StatusCode} reading the link of technician {nodeId}.");
        }

        return response.Content;
    }

    private static TechnicianFields Fields(SetUserCommand command) => new(command.Name, command.Email, command.Enabled);

    private static TechnicianFields Fields(RescueTechnician technician) => new(technician.Name, technician.Email, technician.Enabled);

    private static PreviewItem Item(PreviewAction action, UserChanged change, long? nodeId, TechnicianFields? before, TechnicianFields? after, string? note) =>
        new(action, change.MappingId, change.DirectoryUserId, change.DistinguishedName, change.State, nodeId, before, after, note);
}
