namespace RescueAdSync.Config.Auth;

/// <summary>The roles an API key can carry; each endpoint group names the roles it admits.</summary>
public static class Roles
{
    /// <summary>People, the CLI and the web page: everything except reading secrets back.</summary>
    public const string Admin = "admin";

    /// <summary>The ad-reader: its directory connection (with the bind password), mappings, the sync log.</summary>
    public const string Reader = "reader";

    /// <summary>The provisioner: Rescue credentials, mappings, links, the sync log; never the bind password.</summary>
    public const string Provisioner = "provisioner";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Admin, Reader, Provisioner };
}
