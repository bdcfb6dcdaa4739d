using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Tests;

/// <summary>Valid request bodies; the secrets are distinctive so they can be searched for in files and logs.</summary>
public static class Samples
{
    public const string MahPassword = "Mah-Pa55word-7f3c9e";
    public const string ServiceToken = "SvcToken-a9b8c7d6e5f4";
    public const string DefaultPassword = "FirstLogin-Pw-31337";
    public const string BindPassword = "Bind-Secret-5e6f7a";

    public static IReadOnlyList<string> Secrets => [MahPassword, ServiceToken, DefaultPassword, BindPassword];

    /// <summary>An account the config service can verify: the shared emulator's URL and its token.</summary>
    public static RescueAccountSettings Account() => Account(RescueEmulatorHost.Shared.ApiBaseUrl);

    public static RescueAccountSettings Account(string apiBaseUrl) =>
        new(apiBaseUrl, "mah@example.com", MahPassword, ServiceToken, DefaultPassword);

    public static DirectoryConnectionSettings Directory() =>
        new(DirectoryKind.ActiveDirectory, ["ldaps://dc1.example.com:636", "ldaps://dc2.example.com"], "CN=sync,OU=Service,DC=example,DC=com",
            BindPassword, "DC=example,DC=com", 5, DirectoryTlsMode.Ldaps);

    /// <summary>A self-signed CA certificate in PEM, made fresh (public data: what a CA bundle holds).</summary>
    public static string CaPem(string name = "Test CA")
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={name}", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return certificate.ExportCertificatePem();
    }

    public static MappingSettings Mapping(string group = "CN=Support,OU=Groups,DC=example,DC=com", long technicianGroupId = 42) =>
        new(group, technicianGroupId, MobileAddon: true);

    /// <summary>A link; its technician defaults to one of the user's own (one technician serves one user).</summary>
    public static TechnicianLink Link(string userId, long version, Guid? mappingId = null, long? nodeId = null, UserState state = UserState.Enabled) =>
        new(userId, mappingId ?? Guid.Parse("0196d5a0-0000-7000-8000-000000000001"), nodeId ?? NodeOf(userId), version, state, DateTimeOffset.UnixEpoch);

    // FNV-1a: stable across runs, so a user's default technician is the same in every test that names the user.
    private static long NodeOf(string userId)
    {
        var hash = 2166136261u;
        foreach (var c in userId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return 1_000_000 + hash;
    }
}
