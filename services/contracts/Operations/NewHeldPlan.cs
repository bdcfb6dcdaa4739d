namespace RescueAdSync.Contracts.Operations;

/// <summary>Body of POST /api/held-plans (reader role): a cycle the mass-change guard stopped.</summary>
/// <param name="MappingId">The mapping whose cycle was held.</param>
/// <param name="Reason">Why, in words (which threshold, with the numbers).</param>
/// <param name="Disables">How many enabled technicians the cycle would disable.</param>
/// <param name="EnabledMembers">How many members were enabled before the cycle.</param>
/// <param name="TotalChanges">Every change of the cycle, disables included.</param>
/// <param name="Changes">The changes (at most <see cref="MaxChanges"/>; the counts are always exact).</param>
/// <param name="CorrelationId">The reader cycle.</param>
public sealed record NewHeldPlan(
    Guid MappingId,
    string Reason,
    int Disables,
    int EnabledMembers,
    int TotalChanges,
    IReadOnlyList<PlannedChange> Changes,
    Guid CorrelationId)
{
    /// <summary>A plan lists at most this many changes; a mass removal of 100,000 users still fits in one request.</summary>
    public const int MaxChanges = 5000;
}
