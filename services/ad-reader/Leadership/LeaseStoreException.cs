namespace RescueAdSync.AdReader.Leadership;

/// <summary>The lease store gave an answer that is neither "yours" nor "someone else's".</summary>
public sealed class LeaseStoreException(string message) : Exception(message);
