namespace RescueAdSync.Contracts.Previews;

/// <summary>The provisioner's plan (POST /api/previews/{id}/plan), or its failure when <paramref name="Error"/> is set.</summary>
public sealed record PreviewPlan(PreviewSummary? Summary, IReadOnlyList<PreviewItem>? Items, string? Error = null);
