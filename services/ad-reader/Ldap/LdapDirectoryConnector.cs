using System.DirectoryServices.Protocols;
using Microsoft.Extensions.Options;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>
/// Binds through <see cref="LdapConnectionFactory"/> (its TLS rules, LDAPv3, no referral chasing), failing over across the
/// servers <see cref="DomainControllerLocator"/> names: the URLs given, or the domain's controllers found in DNS.
/// </summary>
public sealed class LdapDirectoryConnector(
    IOptions<ReaderOptions> options, ILogger<LdapDirectoryConnector> logger, DomainControllerLocator locator, Sync.ReaderAttributeSet attributes)
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

    private volatile string? _lastGood;

    private void WarnIfInsecure(DirectoryConnectionSettings settings)
    {
        if (settings.AllowInsecureTls && settings.TlsMode != DirectoryTlsMode.None)
        {
            logger.InsecureTls();
        }
    }

    public IDirectorySession Connect(DirectoryConnectionSettings settings)
    {
        try
        {
            LdapConnectionFactory.EnsureBindIdentity(settings);
        }
        catch (DirectoryConnectionException ex)
        {
            throw new DirectoryReadException(ex.Message);
        }
        WarnIfInsecure(settings);
        var failures = new List<string>();
        try
        {
            // Stay on the server that worked last: AD USNs are per DC, so switching servers forces a full read.
            foreach (var url in locator.Candidates(settings, preferred: _lastGood))
            {
                if (TryConnect(url, settings, failures) is { } session)
                {
                    return session;
                }
            }
        }
        catch (DirectoryConnectionException ex) when (failures.Count == 0)
        {
            // DNS named no domain controller: that sentence alone says what to fix.
            throw new DirectoryReadException(ex.Message);
        }
        catch (DirectoryConnectionException ex)
        {
            failures.Add(ex.Message);
        }
        throw new DirectoryReadException($"No directory server accepted the bind as '{LdapConnectionFactory.BindIdentity(settings)}': {string.Join("; ", failures)}");
    }

    private LdapDirectorySession? TryConnect(string url, DirectoryConnectionSettings settings, List<string> failures)
    {
        for (var attempt = 1; ; attempt++)
        {
            LdapConnection? connection = null;
            try
            {
                connection = LdapConnectionFactory.Open(url, settings, TimeSpan.FromSeconds(options.Value.LdapTimeoutSeconds));
                LdapConnectionFactory.Bind(connection, settings);
                _lastGood = url;
                return new LdapDirectorySession(connection, url, settings, options.Value, attributes.Extra);
            }
            catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex) || ex is DirectoryReadException)
            {
                connection?.Dispose();
                // Exception messages from libldap never contain the password; the bind DN is not a secret.
                var reason = LdapFailureReason.Describe(url, ex, settings);
                if (attempt == 1 && LdapFailureReason.IsServerDown(ex))
                {
                    logger.BindFailedRetrying(url, LdapConnectionFactory.BindIdentity(settings), reason, (int)ServerDownRetryPause.TotalMilliseconds, ex);
                    Thread.Sleep(ServerDownRetryPause);
                    continue;
                }
                logger.BindFailed(url, LdapConnectionFactory.BindIdentity(settings), reason, ex);
                failures.Add($"{url}: {reason}");
                return null;
            }
        }
    }
}
