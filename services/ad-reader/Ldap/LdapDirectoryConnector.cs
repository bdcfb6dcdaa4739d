using System.DirectoryServices.Protocols;
using System.Net;
using Microsoft.Extensions.Options;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>Binds with System.DirectoryServices.Protocols (simple bind, LDAPv3, no referral chasing), failing over across URLs.</summary>
/// <remarks>
/// TLS comes from the directory connection: tlsMode (StartTLS before the bind, or ldaps://), its CA bundle, and the
/// insecure flag. The certificate check is set on every TLS connection (<see cref="LibLdapTls"/>), so a change of the
/// flag takes effect at the next connect and never leaks from one directory connection to another.
/// </remarks>
public sealed class LdapDirectoryConnector(IOptions<ReaderOptions> options, ILogger<LdapDirectoryConnector> logger, Sync.ReaderAttributeSet? attributes = null)
    : IDirectoryConnector
{
    /// <summary>
    /// Pause before the one retry of a URL that failed as "server unavailable" (LDAP 81). libldap reports that now and then
    /// on a connection to a server that is up (a reset connection; the same intermittent error shows in .NET's own Linux CI,
    /// dotnet/runtime#127070), and the next attempt works: retried at once, such a blip is not a sync-log error. A server
    /// that is really down fails twice and costs this pause once per URL. A refused TLS certificate is also reported as 81
    /// (libldap cannot tell them apart), so it too is tried twice and then reported as before.
    /// </summary>
    internal static readonly TimeSpan ServerDownRetryPause = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<string, string> _trustDirectories = new(StringComparer.Ordinal);
    private volatile string? _lastGood;

    /// <summary>
    /// libldap (GnuTLS on Debian) takes a directory of trusted certificates, not PEM text: each distinct bundle is
    /// written into a private directory of its own, so that nothing else in a shared folder becomes trusted by accident.
    /// </summary>
    private string? TrustDirectory(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }
        lock (_trustDirectories)
        {
            if (!_trustDirectories.TryGetValue(pem, out var directory))
            {
                directory = Directory.CreateTempSubdirectory("adsync-reader-ca-").FullName;
                File.WriteAllText(Path.Combine(directory, "ca-bundle.pem"), pem);
                _trustDirectories[pem] = directory;
            }
            return directory;
        }
    }

    private void WarnIfInsecure(DirectoryConnectionSettings settings)
    {
        if (settings.AllowInsecureTls && settings.TlsMode != DirectoryTlsMode.None)
        {
            logger.LogWarning("allowInsecureTls is set on the directory connection: directory server certificates are NOT verified. Anyone on the path can read the bind password.");
        }
    }

    public IDirectorySession Connect(DirectoryConnectionSettings settings)
    {
        if (settings.ServerUrls.Count == 0)
        {
            throw new DirectoryReadException("The directory connection has no server URL.");
        }
        // An empty password turns a simple bind into an anonymous one that "succeeds" and then reads nothing.
        if (string.IsNullOrEmpty(settings.BindPassword) || string.IsNullOrWhiteSpace(settings.BindDn))
        {
            throw new DirectoryReadException("The directory connection has no bind identity or no bind password.");
        }
        WarnIfInsecure(settings);
        var failures = new List<string>();
        // Stay on the server that worked last: AD USNs are per DC, so switching servers forces a full read.
        var ordered = settings.ServerUrls.OrderBy(url => url == _lastGood ? 0 : 1).ToList();
        foreach (var url in ordered)
        {
            for (var attempt = 1; ; attempt++)
            {
                LdapConnection? connection = null;
                try
                {
                    connection = Open(url, settings);
                    connection.Bind(new NetworkCredential(settings.BindDn, settings.BindPassword));
                    _lastGood = url;
                    return new LdapDirectorySession(connection, url, settings, options.Value, attributes?.Extra);
                }
                catch (Exception ex) when (ex is LdapException or DirectoryOperationException or UriFormatException or DirectoryReadException or IOException)
                {
                    connection?.Dispose();
                    // Exception messages from libldap never contain the password; the bind DN is not a secret.
                    var reason = ex is LdapException ldap ? LdapFailureReason.Describe(url, ldap, settings) : ex.Message;
                    if (attempt == 1 && LdapFailureReason.IsServerDown(ex))
                    {
                        logger.LogWarning("Bind to {Url} as {BindDn} failed: {Reason}; trying this server once more in {PauseMs} ms",
                            url, settings.BindDn, reason, (int)ServerDownRetryPause.TotalMilliseconds);
                        Thread.Sleep(ServerDownRetryPause);
                        continue;
                    }
                    logger.LogWarning("Bind to {Url} as {BindDn} failed: {Reason}", url, settings.BindDn, reason);
                    failures.Add($"{url}: {reason}");
                    break;
                }
            }
        }
        throw new DirectoryReadException($"No directory server accepted the bind as '{settings.BindDn}': {string.Join("; ", failures)}");
    }

    private LdapConnection Open(string url, DirectoryConnectionSettings settings)
    {
        var uri = new Uri(url);
        var secure = uri.Scheme.Equals("ldaps", StringComparison.OrdinalIgnoreCase);
        if (!secure && !uri.Scheme.Equals("ldap", StringComparison.OrdinalIgnoreCase))
        {
            throw new DirectoryReadException($"Unsupported URL scheme '{uri.Scheme}' (use ldap:// or ldaps://).");
        }
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (secure ? 636 : 389) : uri.Port;
        // One server per connection: libldap's own multi-URI fallback would hide which server answered.
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, port, fullyQualifiedDnsHostName: false, connectionless: false))
        {
            AuthType = AuthType.Basic,
            Timeout = TimeSpan.FromSeconds(options.Value.LdapTimeoutSeconds),
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        var startTls = !secure && settings.TlsMode == DirectoryTlsMode.StartTls;
        // Windows (not a target: the reader ships as a Linux container) trusts the machine store instead.
        if ((secure || startTls) && !OperatingSystem.IsWindows())
        {
            try
            {
                // Stated on every connection: "accept anything" only when configured, never inherited from ldap.conf or
                // the environment, and never leaking from one connection of this process to another.
                LibLdapTls.SetRequireCertificate(connection, settings.AllowInsecureTls ? LibLdapTls.Never : LibLdapTls.Demand);
                if (TrustDirectory(settings.CaBundlePem) is { } directory)
                {
                    connection.SessionOptions.TrustedCertificatesDirectory = directory;
                }
                // libldap keeps TLS settings in a context; a new one is needed for the settings above to take effect.
                connection.SessionOptions.StartNewTlsSessionContext();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
        if (secure)
        {
            connection.SessionOptions.SecureSocketLayer = true;
        }
        else if (startTls)
        {
            // On Linux the connection only exists after a first bind, and StartTLS before it fails as "server unavailable".
            // An anonymous bind opens it without sending anything secret; StartTLS then throws if the certificate is not
            // trusted, before the real bind sends the password.
            connection.AuthType = AuthType.Anonymous;
            connection.Bind();
            connection.SessionOptions.StartTransportLayerSecurity(null);
            connection.AuthType = AuthType.Basic;
        }
        return connection;
    }
}
