using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// Strong ETags from row revisions. If-Match makes an update conditional (412 when someone else wrote first);
/// If-None-Match lets the other services poll cheaply (304 while nothing changed).
/// </summary>
public static class ETags
{
    public static string FromRevision(long revision) => $"\"{revision.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>For collections: changes when any member is added, removed or changed.</summary>
    public static string FromParts(IEnumerable<string> parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        return $"\"{Convert.ToHexStringLower(hash.AsSpan(0, 12))}\"";
    }

    /// <summary>True when the request carries If-Match and it does not name <paramref name="current"/> (null: nothing stored).</summary>
    public static bool PreconditionFails(HttpRequest request, string? current)
    {
        var ifMatch = request.GetTypedHeaders().IfMatch;
        if (ifMatch.Count == 0)
        {
            return false;
        }

        if (current is null)
        {
            return true;
        }

        return !ifMatch.Any(tag => tag == EntityTagHeaderValue.Any || tag.Tag.Equals(current, StringComparison.Ordinal));
    }

    /// <summary>True when If-None-Match names <paramref name="current"/>: the caller's copy is up to date.</summary>
    public static bool NotModified(HttpRequest request, string current) =>
        request.GetTypedHeaders().IfNoneMatch.Any(tag => tag == EntityTagHeaderValue.Any || tag.Tag.Equals(current, StringComparison.Ordinal));

    public static void Set(HttpResponse response, string etag) => response.Headers.ETag = etag;

    public static ProblemHttpResult PreconditionFailed() => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The resource changed since you read it.",
        detail: "Read it again (GET), then repeat the update with the new ETag in If-Match.");
}
