using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Commands;

/// <summary>What <c>adsync history --json</c> writes: one page, newest first, with the total for paging.</summary>
public sealed record HistoryPage(long Total, int Skip, int Take, IReadOnlyList<HistoryEntry> Entries);
