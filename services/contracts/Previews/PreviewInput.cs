namespace RescueAdSync.Contracts.Previews;

/// <summary>Every mapping's read of a preview, for the provisioner (GET /api/previews/{id}/input).</summary>
public sealed record PreviewInput(Guid Id, IReadOnlyDictionary<Guid, PreviewMappingRead> Mappings);
