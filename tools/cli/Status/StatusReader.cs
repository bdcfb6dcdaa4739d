using RescueAdSync.Cli.Api;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Status;

/// <summary>Builds the status of each mapping from the links (counts by state, last applied change) and the sync log (errors); the last activity is the later of the two.</summary>
public static class StatusReader
{
    private const int LinkPage = 500;

    public static async Task<SystemStatus> ReadAsync(ConfigApiClient api, Guid? only, int lastErrors, CancellationToken ct)
    {
        var account = await api.FindAsync<RescueAccountView>("api/rescue-account", "Rescue account", ct);
        var directory = await api.FindAsync<DirectoryConnectionView>("api/directory", "Directory connection", ct);
        Mapping[] mappings = only is { } id
            ? [(await api.GetAsync<Mapping>($"api/mappings/{id}", "Mapping", ct)).Value]
            : (await api.GetAsync<Mapping[]>("api/mappings", "Mappings", ct)).Value;
        var statuses = new List<MappingStatus>();
        foreach (var mapping in mappings)
        {
            statuses.Add(await ReadAsync(api, mapping, lastErrors, ct));
        }

        return new SystemStatus(account?.Value, directory?.Value, statuses);
    }

    private static async Task<MappingStatus> ReadAsync(ConfigApiClient api, Mapping mapping, int lastErrors, CancellationToken ct)
    {
        // Every state is listed, zeros included, so a script can read counts without checking for missing keys.
        var counts = Enum.GetNames<UserState>().ToDictionary(name => name, _ => 0);
        var total = 0;
        DateTimeOffset? lastApplied = null;
        for (var skip = 0; ; skip += LinkPage)
        {
            var page = (await api.GetAsync<TechnicianLink[]>($"api/links?mappingId={mapping.Id}&skip={skip}&take={LinkPage}", "Links", ct)).Value;
            foreach (var link in page)
            {
                counts[link.State.ToString()]++;
                lastApplied = lastApplied is { } seen && seen >= link.UpdatedAt ? seen : link.UpdatedAt;
            }

            total += page.Length;
            if (page.Length < LinkPage)
            {
                break;
            }
        }

        var errors = await api.GetAsync<SyncLogEntry[]>($"api/sync-log?mappingId={mapping.Id}&level=Error&take={Math.Max(1, lastErrors)}", "Sync log", ct);
        var latest = await api.GetAsync<SyncLogEntry[]>($"api/sync-log?mappingId={mapping.Id}&take=1", "Sync log", ct);
        var cycle = (await api.FindAsync<ReaderStateSummary>($"api/reader-state/{mapping.Id}/summary", "Reader state", ct))?.Value.UpdatedAt;
        double? lag = cycle is not { } c ? null
            : lastApplied >= c ? 0
            : Math.Max(0, Math.Round((DateTimeOffset.UtcNow - c).TotalSeconds));
        return new MappingStatus(
            mapping,
            counts,
            total,
            errors.TotalCount ?? errors.Value.Length,
            Later(latest.Value.FirstOrDefault()?.Time, lastApplied),
            lastErrors == 0 ? [] : errors.Value,
            cycle,
            lastApplied,
            lag);
    }

    /// <summary>Last activity: the later of the last sync-log entry (failures, operator actions) and the provisioner's last applied change.</summary>
    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a >= b ? a : b;
}
