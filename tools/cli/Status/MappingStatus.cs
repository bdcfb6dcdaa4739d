using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Status;

/// <summary>One mapping as <c>adsync status --json</c> reports it.</summary>
/// <param name="LastCycle">The end of the reader's last cycle that found changes (its stored state); null before the first.</param>
/// <param name="LastActivity">The later of the provisioner's last applied change (<paramref name="LastApplied"/>) and the mapping's last sync-log entry.</param>
/// <param name="LastApplied">The provisioner's latest write of one of the mapping's links.</param>
/// <param name="LagSeconds">
/// 0 when the provisioner wrote a link at or after the reader's last cycle (caught up); else the seconds since that
/// cycle, during which its changes wait for the provisioner. Null before the reader's first cycle.
/// </param>
public sealed record MappingStatus(
    Mapping Mapping,
    IReadOnlyDictionary<string, int> Links,
    int LinkCount,
    long ErrorCount,
    DateTimeOffset? LastActivity,
    IReadOnlyList<SyncLogEntry> LastErrors,
    DateTimeOffset? LastCycle = null,
    DateTimeOffset? LastApplied = null,
    double? LagSeconds = null);
