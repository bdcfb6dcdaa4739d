namespace RescueAdSync.AdReader.Sync;

/// <summary>The stored reader state could not be read or written; the cycle stops rather than start from nothing.</summary>
public sealed class ReaderStateException(string message) : Exception(message);
