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

    /// <summary>
    /// A row's revision plus what is served with it but stored elsewhere (e.g. a mapping's open operations): changes when
    /// either does. If-Match on a write compares only the revision part (<see cref="PreconditionFails"/>).
    /// </summary>
    public static string FromRevision(long revision, IEnumerable<string> servedWith)
    {
        var parts = servedWith.ToList();
        if (parts.Count == 0)
        {
            return FromRevision(revision);
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        return $"\"{revision.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(hash.AsSpan(0, 8))}\"";
    }

    /// <summary>For collections: changes when any member is added, removed or changed.</summary>
    public static string FromParts(IEnumerable<string> parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        return $"\"{Convert.ToHexStringLower(hash.AsSpan(0, 12))}\"";
    }

    /// <summary>True when the request carries an If-Match header, whatever it holds.</summary>
    public static bool HasIfMatch(HttpRequest request) => request.Headers.IfMatch.Any(value => !string.IsNullOrWhiteSpace(value));

    /// <summary>True when If-Match is present but is not a list of entity tags: it can match nothing (412).</summary>
    public static bool IfMatchUnreadable(HttpRequest request) =>
        HasIfMatch(request) && (!EntityTagHeaderValue.TryParseList(request.Headers.IfMatch, out var tags) || tags.Count == 0);

    /// <summary>
    /// True when the request carries If-Match and it does not name <paramref name="current"/> (null: nothing stored).
    /// An If-Match that is not a list of entity tags (e.g. "garbage") names no current ETag, so it fails too (RFC 9110
    /// 13.1.1): a client that meant to make its write conditional must never have it applied unconditionally.
    /// </summary>
    public static bool PreconditionFails(HttpRequest request, string? current)
    {
        if (!HasIfMatch(request))
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseList(request.Headers.IfMatch, out var ifMatch) || ifMatch.Count == 0 || current is null)
        {
            return true;
        }

        return !ifMatch.Any(tag => tag == EntityTagHeaderValue.Any || RevisionPart(tag.Tag.ToString()) == current);
    }

    /// <summary>True when If-None-Match names <paramref name="current"/>: the caller's copy is up to date.</summary>
    public static bool NotModified(HttpRequest request, string current) =>
        request.GetTypedHeaders().IfNoneMatch.Any(tag => tag == EntityTagHeaderValue.Any || tag.Tag.Equals(current, StringComparison.Ordinal));

    /// <summary>"3-ab12…" → "3": the revision an ETag of <see cref="FromRevision(long, IEnumerable{string})"/> names.</summary>
    private static string RevisionPart(string tag)
    {
        var dash = tag.IndexOf('-', StringComparison.Ordinal);
        return dash > 1 && tag.Length > 2 && tag[0] == '"' && char.IsAsciiDigit(tag[1]) ? string.Concat(tag.AsSpan(0, dash), "\"") : tag;
    }

    public static void Set(HttpResponse response, string etag) => response.Headers.ETag = etag;

    public static ProblemHttpResult PreconditionFailed() => TypedResults.Problem(
        statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The resource changed since you read it.",
        detail: "Read it again (GET), then repeat the update with the new ETag in If-Match.");
}
