using Microsoft.Extensions.Options;

namespace RescueAdSync.AdReader;

/// <summary>
/// Reader-wide settings that became per-connection or per-mapping settings in the config service. A
/// deployment that still sets one would silently lose it; the reader refuses to start and says where it went.
/// </summary>
public sealed class MovedReaderSettings(IConfiguration configuration) : IValidateOptions<ReaderOptions>
{
    private static readonly (string Key, string NewHome)[] Moved =
    [
        ("Tls:StartTls", "the directory connection's tlsMode (StartTls)"),
        ("Tls:CaBundlePath", "the directory connection's caBundlePem"),
        ("Tls:AllowInsecure", "the directory connection's allowInsecureTls"),
        ("NestedGroups", "each mapping's nested flag"),
        ("OpenLdapDisabledAttribute", "the directory connection's disabledAttribute"),
    ];

    public ValidateOptionsResult Validate(string? name, ReaderOptions options)
    {
        var failures = Moved
            .Where(moved => configuration[$"{ReaderOptions.Section}:{moved.Key}"] is not null)
            .Select(moved => $"{ReaderOptions.Section}:{moved.Key} is no longer a reader setting: set {moved.NewHome} in the config service (adsync directory set / adsync mapping update).")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
