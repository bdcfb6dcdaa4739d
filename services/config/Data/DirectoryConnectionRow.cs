using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Data;

/// <summary>A named directory connection. The bind password is ciphertext; Id 1 is the connection that existed before names.</summary>
public sealed class DirectoryConnectionRow
{
    public int Id { get; set; }

    /// <summary>Lower-case name, unique; "default" for the connection /api/directory manages.</summary>
    public string Name { get; set; } = DirectoryNames.Default;

    public DirectoryKind Kind { get; set; }

    public required List<string> ServerUrls { get; set; }

    public required string BindDn { get; set; }

    public required string BindPasswordEncrypted { get; set; }

    public required string BaseDn { get; set; }

    public int PollIntervalSeconds { get; set; }

    public DirectoryTlsMode TlsMode { get; set; }

    /// <summary>PEM text of trusted CA certificates (public data, not a secret).</summary>
    public string? CaBundlePem { get; set; }

    public bool AllowInsecureTls { get; set; }

    public string? DisabledAttribute { get; set; }

    public int ReconcileMinutes { get; set; } = 360;

    /// <summary>The Active Directory domain whose domain controllers are found in DNS; null when ServerUrls are given.</summary>
    public string? Domain { get; set; }

    public string? Site { get; set; }

    /// <summary>IP[:port] of the name server asked for SRV records; null: the system's resolvers.</summary>
    public string? DnsServer { get; set; }

    /// <summary>Simple (bind DN and password) or Kerberos (principal and keytab).</summary>
    public DirectoryAuth Auth { get; set; }

    /// <summary>Kerberos: the principal the services bind as, user@REALM.</summary>
    public string? KerberosPrincipal { get; set; }

    /// <summary>Kerberos: the principal's keytab, base64, encrypted like the bind password ("" when none).</summary>
    public string KeytabEncrypted { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Bumped on every write; the ETag, and the concurrency token that makes If-Match atomic.</summary>
    public long Revision { get; set; }
}
