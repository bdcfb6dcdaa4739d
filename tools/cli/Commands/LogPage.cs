using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Commands;

/// <summary>What <c>adsync log --json</c> writes: one page, newest first, with the total for paging.</summary>
public sealed record LogPage(long Total, int Skip, int Take, IReadOnlyList<SyncLogEntry> Entries);
