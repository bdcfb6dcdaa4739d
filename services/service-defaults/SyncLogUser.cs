using RescueAdSync.Contracts.Config;

namespace RescueAdSync.ServiceDefaults;

/// <summary>
/// The user's name and email on a sync-log entry, made fit for the config service: it refuses control characters and
/// over-long values, and an entry refused for the name it carries would lose the failure it reports.
/// </summary>
public static class SyncLogUser
{
    /// <summary>The config service's column lengths (the same as the per-user history's).</summary>
    public const int MaxName = 256;

    public const int MaxEmail = 320;

    /// <summary>The entry with control characters in its name and email shown as '?', each cut to its column; blanks become null.</summary>
    public static NewSyncLogEntry Fit(NewSyncLogEntry entry) =>
        entry with { DisplayName = Fit(entry.DisplayName, MaxName), Email = Fit(entry.Email, MaxEmail) };

    public static string? Fit(string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return new string([.. value.Trim().Take(maxLength).Select(c => char.IsControl(c) ? '?' : c)]);
    }
}
