using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Data;

/// <summary>A full resync of a mapping an operator asked for.</summary>
public sealed class ResyncRequestRow
{
    public Guid Id { get; set; }

    public Guid MappingId { get; set; }

    public ResyncStatus Status { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public string? RequestedBy { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public int? Published { get; set; }

    public long Revision { get; set; }
}
