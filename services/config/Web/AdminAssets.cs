using System.Reflection;
using System.Security.Cryptography;

namespace RescueAdSync.Config.Web;

/// <summary>
/// The admin page's files, embedded in the assembly (Web/*.html|js|css): the page ships with the service binary and
/// its container image, with no wwwroot to copy or to get out of step with the API it calls.
/// </summary>
internal sealed class AdminAssets
{
    private const string Prefix = "Web/";

    // The page holds an admin key: no inline or foreign script may run, it may only talk to this service, and no
    // other site may frame it (clickjacking).
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    private readonly Dictionary<string, StaticAsset> _assets;

    private AdminAssets(Dictionary<string, StaticAsset> assets) => _assets = assets;

    public static AdminAssets Load(Assembly assembly)
    {
        var assets = new Dictionary<string, StaticAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var name = resource[Prefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\"";
            assets[name] = new StaticAsset(name, content, contentType, etag);
        }

        if (!assets.ContainsKey(AdminPageExtensions.IndexFile))
        {
            throw new InvalidOperationException($"The admin page is missing from {assembly.GetName().Name}: no embedded {Prefix}{AdminPageExtensions.IndexFile}.");
        }

        return new AdminAssets(assets);
    }

    public IResult Serve(HttpContext http, string name)
    {
        if (!_assets.TryGetValue(name, out var asset))
        {
            return TypedResults.NotFound();
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidate every time: after an upgrade the page must match the API it calls.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Tag.Equals(asset.ETag, StringComparison.Ordinal)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }
}
