using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Data;

/// <summary>An append-only per-user history entry: one change the provisioner applied (or deliberately did not).</summary>
public sealed class HistoryRow
{
    public long Id { get; set; }

    public DateTimeOffset Time { get; set; }

    public HistoryAction Action { get; set; }

    public Guid MappingId { get; set; }

    public required string DirectoryUserId { get; set; }

    public required string DisplayName { get; set; }

    public required string Email { get; set; }

    public string? Login { get; set; }

    public string? DistinguishedName { get; set; }

    public long? TechnicianNodeId { get; set; }

    public long Version { get; set; }

    public UserState State { get; set; }

    public string? Reason { get; set; }

    public string? NameBefore { get; set; }

    public string? EmailBefore { get; set; }

    public string? TraceId { get; set; }

    public Guid? CorrelationId { get; set; }
}
