namespace RescueAdSync.AdReader.Sync;

/// <summary>The messages one cycle must publish, in version order, and the known users to store once they are confirmed.</summary>
public sealed record MembershipDiffResult(UserChangedList Messages, IReadOnlyDictionary<string, KnownUser> Users);
