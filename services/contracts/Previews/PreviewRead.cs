namespace RescueAdSync.Contracts.Previews;

/// <summary>Published by the reader once every mapping of a preview is read: a provisioner computes the plan.</summary>
/// <param name="PreviewId">The preview.</param>
/// <param name="CorrelationId">The reader cycle that completed it.</param>
public sealed record PreviewRead(Guid PreviewId, Guid CorrelationId);
