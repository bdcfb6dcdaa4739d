namespace RescueAdSync.Contracts.Operations;

/// <summary>A cycle held by the mass-change guard (GET /api/held-plans, GET /api/held-plans/{id}).</summary>
/// <param name="Id">The plan.</param>
/// <param name="MappingId">The mapping it holds.</param>
/// <param name="Status">Held, Approved, Applied or Rejected.</param>
/// <param name="Reason">Why the guard held it.</param>
/// <param name="Disables">How many enabled technicians the cycle would disable.</param>
/// <param name="EnabledMembers">How many members were enabled before the cycle.</param>
/// <param name="TotalChanges">Every change of the cycle.</param>
/// <param name="Changes">The changes (at most <see cref="NewHeldPlan.MaxChanges"/>); empty in lists, complete in GET by id.</param>
/// <param name="CreatedAt">When the guard held the cycle.</param>
/// <param name="DecidedAt">When an operator approved or rejected it.</param>
/// <param name="DecidedBy">The API key name of that operator.</param>
/// <param name="AppliedAt">When the approved run published its changes.</param>
/// <param name="CorrelationId">The reader cycle that was held.</param>
public sealed record HeldPlan(
    Guid Id,
    Guid MappingId,
    HeldPlanStatus Status,
    string Reason,
    int Disables,
    int EnabledMembers,
    int TotalChanges,
    IReadOnlyList<PlannedChange> Changes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt,
    string? DecidedBy,
    DateTimeOffset? AppliedAt,
    Guid CorrelationId);
