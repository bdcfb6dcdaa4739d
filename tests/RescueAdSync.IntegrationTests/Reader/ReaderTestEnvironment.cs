namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// Where the reader tests find their servers. Defaults are a developer's hand-started servers (see the report in
/// the ad-reader README section); the READER_IT_* variables point them elsewhere until the shared fixtures exist.
/// </summary>
public static class ReaderTestEnvironment
{
    public static int AmqpPort => int.Parse(Get("READER_IT_AMQP_PORT", "5673"), System.Globalization.CultureInfo.InvariantCulture);

    public static string SlapdUrl => Get("READER_IT_SLAPD_URL", "ldap://127.0.0.1:3391");

    public static string SlapdSuffix => Get("READER_IT_SLAPD_SUFFIX", "dc=example,dc=org");

    public static string SlapdAdminDn => $"cn=admin,{SlapdSuffix}";

    public static string SlapdPassword => Get("READER_IT_SLAPD_PASSWORD", "secret");

    public static string SambaUrl => Get("READER_IT_SAMBA_URL", "ldap://127.0.0.4");

    public static string SambaBaseDn => "DC=example,DC=org";

    public static string SambaAdmin => "Administrator@example.org";

    public static string SambaPassword => Get("READER_IT_SAMBA_PASSWORD", "Passw0rd!1");

    private static string Get(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
