using System.Net;
using System.Text.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// The user ↔ technician links in the config service. Every write is a compare-and-set there: on the version (stale
/// changes lose) and on the technician (a technician belongs to one user, and a user's technician never changes), so
/// the config service is the lock that several provisioner instances share.
/// </summary>
public sealed class LinkStore(IConfigApi config)
{
    public async Task<TechnicianLink?> GetAsync(string directoryUserId, CancellationToken ct)
    {
        var response = await config.GetLinkAsync(directoryUserId, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (!response.IsSuccessStatusCode || response.Content is null)
            throw new HttpRequestException($"Config service answered {(int?)response.StatusCode} reading the link of {directoryUserId}.");
        return response.Content;
    }

    public async Task<LinkWrite> PutAsync(TechnicianLink link, CancellationToken ct)
    {
        var response = await config.PutLinkAsync(link.DirectoryUserId, link, ct);
        if (response.IsSuccessStatusCode)
            return LinkWrite.Stored;
        if (response.StatusCode != HttpStatusCode.Conflict)
            throw new HttpRequestException($"Config service answered {(int?)response.StatusCode} storing the link of {link.DirectoryUserId}.");
        return ReasonOf((response.Error as Refit.ApiException)?.Content) switch
        {
            "technician-bound" => LinkWrite.TechnicianBound,
            "technician-linked-elsewhere" => LinkWrite.LinkedElsewhere,
            _ => LinkWrite.Stale,
        };
    }

    private static string? ReasonOf(string? problem)
    {
        if (string.IsNullOrEmpty(problem))
            return null;
        try
        {
            using var document = JsonDocument.Parse(problem);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("reason", out var reason)
                ? reason.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
