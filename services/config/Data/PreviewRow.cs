using RescueAdSync.Contracts.Previews;

namespace RescueAdSync.Config.Data;

/// <summary>A preview (dry run): the mappings' reads and the plan are stored as JSON text, for the operator only.</summary>
public sealed class PreviewRow
{
    public Guid Id { get; set; }

    /// <summary>The mapping previewed; null for a preview of every enabled mapping.</summary>
    public Guid? MappingId { get; set; }

    /// <summary>The mappings covered (a JSON array of ids), fixed when the preview is requested.</summary>
    public required string MappingIdsJson { get; set; }

    public PreviewStatus Status { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public string? RequestedBy { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public string? Error { get; set; }

    /// <summary>The reader's read per mapping (a JSON object mapping id → <see cref="PreviewMappingRead"/>).</summary>
    public required string ReadJson { get; set; }

    /// <summary>The provisioner's plan (<see cref="PreviewPlan"/> as JSON), once Ready.</summary>
    public string? PlanJson { get; set; }

    public long Revision { get; set; }
}
