using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Data;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// The open operator operations of each mapping (a held plan, a pending resync), served with the mappings: the reader
/// learns whether to skip a mapping (Held), bypass the guard once (Approved) or resync it from the list it fetches every
/// cycle anyway, without one more call.
/// </summary>
public sealed class MappingOperations
{
    private readonly Dictionary<Guid, (Guid Id, HeldPlanStatus Status)> _plans;
    private readonly Dictionary<Guid, Guid> _resyncs;
    private Dictionary<Guid, List<PendingProvision>> _provisions = [];

    private MappingOperations(Dictionary<Guid, (Guid Id, HeldPlanStatus Status)> plans, Dictionary<Guid, Guid> resyncs)
    {
        _plans = plans;
        _resyncs = resyncs;
    }

    public static async Task<MappingOperations> LoadAsync(ConfigDbContext db, CancellationToken cancellationToken)
    {
        var open = await db.HeldPlans.AsNoTracking()
            .Where(p => p.Status == HeldPlanStatus.Held || p.Status == HeldPlanStatus.Approved)
            .Select(p => new { p.MappingId, p.Id, p.Status })
            .ToListAsync(cancellationToken);
        var pending = await db.ResyncRequests.AsNoTracking()
            .Where(r => r.Status == ResyncStatus.Pending)
            .Select(r => new { r.MappingId, r.Id })
            .ToListAsync(cancellationToken);
        // At most one each per mapping (the API refuses a second); should two plans exist, Held wins: it is the safe one.
        var provisions = await ProvisionRequestsApi.PendingByMappingAsync(db, cancellationToken);
        return new MappingOperations(
            open.GroupBy(p => p.MappingId)
                .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Status == HeldPlanStatus.Held ? 0 : 1).Select(p => (p.Id, p.Status)).First()),
            pending.GroupBy(r => r.MappingId).ToDictionary(g => g.Key, g => g.Min(r => r.Id)))
        { _provisions = provisions };
    }

    public IEnumerable<string> ETagParts() =>
        _plans.OrderBy(p => p.Key).Select(p => $"plan:{p.Value.Id}:{p.Value.Status}")
            .Concat(_resyncs.OrderBy(r => r.Key).Select(r => $"resync:{r.Value}"))
            .Concat(_provisions.OrderBy(p => p.Key).SelectMany(p => p.Value.Select(r => $"provision:{r.Id}")));

    public Mapping Annotate(Mapping mapping)
    {
        if (_plans.TryGetValue(mapping.Id, out var plan))
        {
            mapping = mapping with { OpenPlanId = plan.Id, OpenPlanStatus = plan.Status };
        }

        if (_provisions.TryGetValue(mapping.Id, out var provisions))
        {
            mapping = mapping with { ProvisionRequests = provisions };
        }

        return _resyncs.TryGetValue(mapping.Id, out var resync) ? mapping with { ResyncRequestId = resync } : mapping;
    }
}
