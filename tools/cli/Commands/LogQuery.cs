using System.Globalization;
using System.Text;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Cli.Commands;

/// <summary>The sync log filters as the API's query string.</summary>
public sealed record LogQuery(DateTimeOffset? From, DateTimeOffset? To, SyncLogLevel? Level, Guid? MappingId, string? DirectoryUserId)
{
    public string ToPath(int skip, int take)
    {
        var query = new StringBuilder($"api/sync-log?skip={skip}&take={take}");
        if (From is { } from)
        {
            query.Append("&from=").Append(Uri.EscapeDataString(from.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)));
        }

        if (To is { } to)
        {
            query.Append("&to=").Append(Uri.EscapeDataString(to.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)));
        }

        if (Level is { } level)
        {
            query.Append("&level=").Append(level);
        }

        if (MappingId is { } mapping)
        {
            query.Append("&mappingId=").Append(mapping);
        }

        if (!string.IsNullOrEmpty(DirectoryUserId))
        {
            query.Append("&directoryUserId=").Append(Uri.EscapeDataString(DirectoryUserId));
        }

        return query.ToString();
    }
}
