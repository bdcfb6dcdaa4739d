namespace RescueAdSync.Provisioner.Sync;

/// <summary>A UserChanged that parsed but lacks what identifies the user or the mapping: retrying cannot help.</summary>
public sealed class InvalidUserChangedException(string reason) : Exception($"Invalid UserChanged message: {reason}.");
