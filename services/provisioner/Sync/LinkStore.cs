using System.Net;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// The user ↔ technician links in the config service. Every write is a compare-and-set there: on the version (stale
/// changes lose) and on the technician (a technician belongs to one user, and a user's technician never changes), so
/// the config service is the lock that several provisioner instances share.
/// </summary>
public sealed class LinkStore(IConfigApi config, LinkWriteBatcher? batcher = null)
{
    public async Task<TechnicianLink?> GetAsync(string directoryUserId, CancellationToken ct)
    {
        var response = await config.GetLinkAsync(directoryUserId, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode || response.Content is null)
        {
            throw new HttpRequestException($"Config service answered {(int?)response.StatusCode} reading the link of {directoryUserId}.");
        }

        return response.Content;
    }

    public async Task<LinkWrite> PutAsync(TechnicianLink link, CancellationToken ct)
    {
        var result = batcher is not null
            ? await batcher.WriteAsync(link, ct)
            : await LinkWriteBatcher.PutAsync(config, link, ct);
        return result.Status switch
        {
            >= 200 and < 300 => LinkWrite.Stored,
            (int)HttpStatusCode.Conflict => result.Reason switch
            {
                "technician-bound" => LinkWrite.TechnicianBound,
                "technician-linked-elsewhere" => LinkWrite.LinkedElsewhere,
                _ => LinkWrite.Stale,
            },
            _ => throw new HttpRequestException($"Config service answered {result.Status} storing the link of {link.DirectoryUserId}."),
        };
    }
}
