using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Data;

/// <summary>A reader cycle held by the mass-change guard; its changes are stored as JSON text (for the operator, not replayed).</summary>
public sealed class HeldPlanRow
{
    public Guid Id { get; set; }

    public Guid MappingId { get; set; }

    public HeldPlanStatus Status { get; set; }

    public required string Reason { get; set; }

    public int Disables { get; set; }

    public int EnabledMembers { get; set; }

    public int TotalChanges { get; set; }

    public required string ChangesJson { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? AppliedAt { get; set; }

    public Guid CorrelationId { get; set; }

    /// <summary>Bumped on every transition: two operators deciding at once cannot both win.</summary>
    public long Revision { get; set; }
}
