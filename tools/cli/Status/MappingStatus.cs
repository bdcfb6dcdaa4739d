using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Status;

/// <summary>One mapping as <c>adsync status --json</c> reports it.</summary>
public sealed record MappingStatus(
    Mapping Mapping,
    IReadOnlyDictionary<string, int> Links,
    int LinkCount,
    long ErrorCount,
    DateTimeOffset? LastActivity,
    IReadOnlyList<SyncLogEntry> LastErrors);
