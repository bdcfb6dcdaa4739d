using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Rescue;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// Which technicians sit directly in a Technician Group, from getHierarchy_v2 below that group, so that a
/// technician a Rescue admin moved elsewhere is recognised (rule 4, docs/rules.md). Asked only when a change would touch
/// more than the status, and kept for <see cref="ProvisionerOptions.HierarchyCacheSeconds"/> so a burst of
/// updates costs one hierarchy read per group. A node missing from the cached list is looked up once more
/// before it counts as moved (it may be new); a move younger than the cache age can go unnoticed for one update.
/// </summary>
public sealed class TechnicianGroupCache(IRescueClient rescue, IOptions<ProvisionerOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<long, Members> _groups = new();

    public async Task<bool> IsDirectMemberAsync(long groupId, long nodeId, CancellationToken ct)
    {
        var maxAge = TimeSpan.FromSeconds(options.Value.HierarchyCacheSeconds);
        if (_groups.TryGetValue(groupId, out var cached) && clock.GetUtcNow() - cached.LoadedAt < maxAge && cached.NodeIds.Contains(nodeId))
        {
            return true;
        }

        var fresh = await LoadAsync(groupId, ct);
        return fresh.NodeIds.Contains(nodeId);
    }

    private async Task<Members> LoadAsync(long groupId, CancellationToken ct)
    {
        var nodes = await rescue.GetHierarchyAsync(groupId, ct);
        var members = new Members(nodes.Where(n => n.ParentId == groupId && n.NodeId != groupId).Select(n => n.NodeId).ToHashSet(), clock.GetUtcNow());
        _groups[groupId] = members;
        return members;
    }

    private sealed record Members(HashSet<long> NodeIds, DateTimeOffset LoadedAt);
}
