namespace RescueAdSync.ServiceDefaults.Tracing;

/// <summary>
/// A URL as a span may show it: every query value replaced, user info and fragment dropped. Query strings can carry
/// credentials (the Rescue API accepts authcode and token there), and a span is exported to systems that must never
/// see them.
/// </summary>
public static class UrlRedaction
{
    public const string Redacted = "Redacted";

    public static string Redact(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            return RedactQuery(uri.OriginalString.Split('#')[0]);
        }

        var authority = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        if (uri.HostNameType == UriHostNameType.IPv6)
        {
            authority = uri.IsDefaultPort ? $"[{uri.DnsSafeHost}]" : $"[{uri.DnsSafeHost}]:{uri.Port}";
        }

        return RedactQuery($"{uri.Scheme}://{authority}{uri.AbsolutePath}{uri.Query}");
    }

    /// <summary>The URL or query string ("?a=1&amp;b") with every query value replaced.</summary>
    public static string RedactQuery(string url)
    {
        var start = url.IndexOf('?', StringComparison.Ordinal);
        if (start < 0 || start == url.Length - 1)
        {
            return url;
        }

        // A parameter without a name=value shape may be a bare token: it is replaced whole.
        var parameters = url[(start + 1)..].Split('&').Select(parameter =>
            parameter.Length == 0 ? parameter
            : parameter.IndexOf('=', StringComparison.Ordinal) is var equals and > 0 ? $"{parameter[..equals]}={Redacted}"
            : Redacted);
        return $"{url[..(start + 1)]}{string.Join('&', parameters)}";
    }
}
