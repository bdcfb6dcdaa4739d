using System.DirectoryServices.Protocols;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.ServiceDefaults.Ldap;

/// <summary>
/// Opens and binds LDAP connections the same way wherever the directory is asked (the reader, the config service's group
/// look-ups): LDAPv3, no referral chasing, one server per connection, and one set of TLS rules. A directory connection's
/// tlsMode says StartTLS (before the bind) or ldaps://; its caBundlePem is what is trusted besides the system store; the
/// certificate check is stated on every TLS connection (<see cref="LibLdapTls"/>): "accept anything" only when the
/// connection's allowInsecureTls says so, never inherited from ldap.conf or the environment, never leaking from one
/// connection to another.
/// </summary>
public static class LdapConnectionFactory
{
    /// <summary>Refuses settings that cannot bind before any server is asked.</summary>
    public static void EnsureBindIdentity(DirectoryConnectionSettings settings)
    {
        if ((settings.ServerUrls ?? []).Count == 0 && string.IsNullOrWhiteSpace(settings.Domain))
        {
            throw new DirectoryConnectionException("The directory connection has neither a domain nor a server URL.");
        }
        if (settings.Auth == DirectoryAuth.Kerberos)
        {
            if (KerberosEnvironment.RealmOf(settings.KerberosPrincipal?.Trim()) is null)
            {
                throw new DirectoryConnectionException("The directory connection uses Kerberos but has no principal user@REALM.");
            }
            return;
        }
        // An empty password turns a simple bind into an anonymous one that "succeeds" and then reads nothing.
        if (string.IsNullOrEmpty(settings.BindPassword) || string.IsNullOrWhiteSpace(settings.BindDn))
        {
            throw new DirectoryConnectionException("The directory connection has no bind identity or no bind password.");
        }
    }

    /// <summary>Opens a connection to one server, TLS established as configured, not yet bound.</summary>
    public static LdapConnection Open(string url, DirectoryConnectionSettings settings, TimeSpan timeout)
    {
        var uri = new Uri(url);
        var secure = uri.Scheme.Equals("ldaps", StringComparison.OrdinalIgnoreCase);
        if (!secure && !uri.Scheme.Equals("ldap", StringComparison.OrdinalIgnoreCase))
        {
            throw new DirectoryConnectionException($"Unsupported URL scheme '{uri.Scheme}' (use ldap:// or ldaps://).");
        }
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (secure ? 636 : 389) : uri.Port;
        // One server per connection: libldap's own multi-URI fallback would hide which server answered.
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, port, fullyQualifiedDnsHostName: false, connectionless: false))
        {
            AuthType = AuthType.Basic,
            Timeout = timeout,
        };
        try
        {
            connection.SessionOptions.ProtocolVersion = 3;
            connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
            var startTls = !secure && settings.TlsMode == DirectoryTlsMode.StartTls;
            // Windows (not a target: the services ship as Linux containers) trusts the machine store instead.
            if ((secure || startTls) && !OperatingSystem.IsWindows())
            {
                LibLdapTls.SetRequireCertificate(connection, settings.AllowInsecureTls ? LibLdapTls.Never : LibLdapTls.Demand);
                if (TrustDirectory(settings.CaBundlePem) is { } directory)
                {
                    connection.SessionOptions.TrustedCertificatesDirectory = directory;
                }
                // libldap keeps TLS settings in a context; a new one is needed for the settings above to take effect.
                connection.SessionOptions.StartNewTlsSessionContext();
            }
            if (secure)
            {
                connection.SessionOptions.SecureSocketLayer = true;
            }
            else if (startTls)
            {
                // On Linux the connection only exists after a first bind, and StartTLS before it fails as "server
                // unavailable". An anonymous bind opens it without sending anything secret; StartTLS then throws if the
                // certificate is not trusted, before the real bind sends the password.
                connection.AuthType = AuthType.Anonymous;
                connection.Bind();
                connection.SessionOptions.StartTransportLayerSecurity(null);
                connection.AuthType = AuthType.Basic;
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Who the connection binds as, for log lines and messages: the bind DN, or the Kerberos principal.</summary>
    public static string BindIdentity(DirectoryConnectionSettings settings) =>
        settings.Auth == DirectoryAuth.Kerberos ? settings.KerberosPrincipal?.Trim() ?? "" : settings.BindDn;

    /// <summary>
    /// Binds an opened connection with the directory connection's identity: a simple bind with the bind DN and password,
    /// or a SASL GSSAPI bind as the Kerberos principal with the keys of its keytab (<see cref="KerberosEnvironment"/>).
    /// </summary>
    /// <remarks>
    /// On Linux, System.DirectoryServices.Protocols binds AuthType.Kerberos without a credential through
    /// ldap_sasl_interactive_bind with mechanism GSSAPI (AuthType.Negotiate would ask for GSS-SPNEGO, which Cyrus SASL
    /// on Debian does not offer). Its SessionOptions.Signing and Sealing are not supported there; Cyrus SASL's GSSAPI
    /// negotiates integrity and confidentiality by itself (libldap's default security properties allow any strength),
    /// which is what a domain controller that requires LDAP signing wants on ldap://. Kerberos is not combined with TLS
    /// (ldaps:// or StartTLS): a domain controller refuses a GSSAPI seal inside TLS, and Samba also refuses the bind
    /// without one there; the sealed SASL layer protects the session already.
    /// </remarks>
    public static void Bind(LdapConnection connection, DirectoryConnectionSettings settings)
    {
        if (settings.Auth != DirectoryAuth.Kerberos)
        {
            connection.Bind(new NetworkCredential(settings.BindDn, settings.BindPassword));
            return;
        }
        if (OperatingSystem.IsWindows())
        {
            throw new DirectoryConnectionException("Kerberos binds with a keytab are supported on Linux only.");
        }
        if (settings.TlsMode != DirectoryTlsMode.None)
        {
            throw new DirectoryConnectionException("A Kerberos bind signs and seals the session itself: use ldap:// URLs with tlsMode None.");
        }
        LibLdapTls.SetOption(connection, LibLdapTls.SaslNoCanonOption, 1, "the SASL host name rule");
        connection.AuthType = AuthType.Kerberos;
        connection.Credential = null;
        var host = (connection.Directory as LdapDirectoryIdentifier)?.Servers is [var server, ..] ? server : null;
        KerberosEnvironment.Run(settings, host, () => connection.Bind());
    }

    /// <summary>Whether a failed open or bind is one of the directory's own failures rather than a bug of ours.</summary>
    public static bool IsConnectionFailure(Exception exception) =>
        exception is LdapException or DirectoryOperationException or UriFormatException or DirectoryConnectionException
            or IOException or CryptographicException;

    private static readonly Dictionary<string, string> TrustDirectories = new(StringComparer.Ordinal);

    /// <summary>
    /// libldap (GnuTLS on Debian) trusts a directory of certificates, not PEM text: each distinct bundle is written once
    /// into a private directory of its own, so that nothing else in a shared folder becomes trusted by accident.
    /// </summary>
    private static string? TrustDirectory(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(pem)));
        lock (TrustDirectories)
        {
            if (!TrustDirectories.TryGetValue(key, out var directory))
            {
                directory = Directory.CreateTempSubdirectory("adsync-ldap-ca-").FullName;
                File.WriteAllText(Path.Combine(directory, "ca-bundle.pem"), pem);
                TrustDirectories[key] = directory;
            }
            return directory;
        }
    }
}
