namespace RescueAdSync.AdReader.Ldap;

/// <summary>
/// TLS to the directory (section "Reader:Tls"). Reader-local until the directory connection in the config service
/// carries TLS settings. ldaps:// URLs always use TLS; <see cref="StartTls"/> upgrades ldap:// URLs.
/// </summary>
public sealed class ReaderTlsOptions
{
    /// <summary>Upgrade ldap:// connections with StartTLS before the bind, so the password never travels in clear.</summary>
    public bool StartTls { get; set; }

    /// <summary>PEM file with the CA certificates that may sign the directory servers' certificates; the system store when unset.</summary>
    public string? CaBundlePath { get; set; }

    /// <summary>Accept any server certificate. Only for labs: it is logged as a warning at every start.</summary>
    public bool AllowInsecure { get; set; }
}
