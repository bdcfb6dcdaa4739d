using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Data;

/// <summary>A provision-on-demand request an operator made for one user.</summary>
public sealed class ProvisionRequestRow
{
    public Guid Id { get; set; }

    public Guid MappingId { get; set; }

    public string User { get; set; } = "";

    public ProvisionStatus Status { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public string? RequestedBy { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? DirectoryUserId { get; set; }

    public string? Outcome { get; set; }

    public long? TechnicianNodeId { get; set; }

    public string? Error { get; set; }

    public long Revision { get; set; }
}
