namespace RescueAdSync.Provisioner.Sync;

/// <summary>Another instance changed this user's link between our read and our write; the retry starts over from the new link.</summary>
public sealed class LinkRaceException(string message) : Exception(message);
