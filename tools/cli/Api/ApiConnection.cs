namespace RescueAdSync.Cli.Api;

/// <summary>Where the config service is and the key to use; the key is never printed.</summary>
public sealed record ApiConnection(Uri BaseUrl, string ApiKey)
{
    public const string UrlVariable = "ADSYNC_URL";
    public const string KeyVariable = "ADSYNC_API_KEY";

    public static ApiConnection Resolve(string? url, string? key)
    {
        url = FirstNonEmpty(url, Environment.GetEnvironmentVariable(UrlVariable));
        key = FirstNonEmpty(key, Environment.GetEnvironmentVariable(KeyVariable));
        if (url is null)
        {
            throw new CliException(ExitCodes.Usage, $"No config service URL: pass --url or set {UrlVariable}.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException(ExitCodes.Usage, $"--url: '{url}' is not an http:// or https:// URL.");
        }

        if (key is null)
        {
            throw new CliException(ExitCodes.Usage, $"No API key: set {KeyVariable} (or pass --key).");
        }

        return new ApiConnection(baseUrl, key);
    }

    // Records print their members; this one holds a key.
    public override string ToString() => BaseUrl.ToString();

    private static string? FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrWhiteSpace(first) ? first.Trim() : !string.IsNullOrWhiteSpace(second) ? second.Trim() : null;
}
