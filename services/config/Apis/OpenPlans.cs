using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Data;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// The open held plan of each mapping, served with the mappings: the reader learns whether to skip a mapping (Held) or
/// to bypass the guard once (Approved) from the list it fetches every cycle anyway, without one more call.
/// </summary>
public static class OpenPlans
{
    public static async Task<IReadOnlyDictionary<Guid, (Guid Id, HeldPlanStatus Status)>> ByMappingAsync(ConfigDbContext db, CancellationToken cancellationToken)
    {
        var open = await db.HeldPlans.AsNoTracking()
            .Where(p => p.Status == HeldPlanStatus.Held || p.Status == HeldPlanStatus.Approved)
            .Select(p => new { p.MappingId, p.Id, p.Status })
            .ToListAsync(cancellationToken);
        // At most one per mapping (the API refuses a second); should two exist, Held wins: it is the safe one.
        return open.GroupBy(p => p.MappingId)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Status == HeldPlanStatus.Held ? 0 : 1).Select(p => (p.Id, p.Status)).First());
    }

    public static IEnumerable<string> ETagParts(IReadOnlyDictionary<Guid, (Guid Id, HeldPlanStatus Status)> plans) =>
        plans.OrderBy(p => p.Key).Select(p => $"plan:{p.Value.Id}:{p.Value.Status}");

    public static Mapping Annotate(Mapping mapping, IReadOnlyDictionary<Guid, (Guid Id, HeldPlanStatus Status)> plans) =>
        plans.TryGetValue(mapping.Id, out var plan) ? mapping with { OpenPlanId = plan.Id, OpenPlanStatus = plan.Status } : mapping;
}
