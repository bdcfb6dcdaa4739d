namespace RescueAdSync.Contracts.Operations;

/// <summary>Body of POST /api/resync-requests/{id}/done (reader role).</summary>
/// <param name="Published">How many user states were republished.</param>
public sealed record ResyncCompletion(int Published);
