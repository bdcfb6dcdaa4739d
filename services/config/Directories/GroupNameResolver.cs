using System.DirectoryServices.Protocols;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.Config.Directories;

public enum GroupLookupOutcome
{
    Found,
    NotFound,
    Ambiguous,
    Failed,
}

/// <summary>What a group-name look-up found: one DN, none, several, or why the directory could not be asked.</summary>
public sealed record GroupLookup(GroupLookupOutcome Outcome, IReadOnlyList<string> Dns, string? Error = null);

/// <summary>
/// Turns a mapping's group name into the group's DN, asking the mapping's directory with its own connection settings
/// (bind identity, TLS, CA bundle). The name is escaped per RFC 4515 before it goes into the filter.
/// </summary>
public sealed class GroupNameResolver(ILogger<GroupNameResolver> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public Task<GroupLookup> ResolveAsync(DirectoryConnectionSettings directory, string groupName, CancellationToken cancellationToken) =>
        // libldap calls block; keep them off the request thread's synchronous path.
        Task.Run(() => Resolve(directory, groupName), cancellationToken);

    public static string Filter(DirectoryKind kind, string groupName)
    {
        var value = LdapEscape.FilterValue(groupName);
        return kind == DirectoryKind.ActiveDirectory
            ? $"(&(objectClass=group)(|(cn={value})(sAMAccountName={value})))"
            : $"(&(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))(cn={value}))";
    }

    private GroupLookup Resolve(DirectoryConnectionSettings directory, string groupName)
    {
        var failures = new List<string>();
        foreach (var url in directory.ServerUrls)
        {
            try
            {
                using var connection = Open(url, directory);
                connection.Bind(new NetworkCredential(directory.BindDn, directory.BindPassword));
                var request = new SearchRequest(directory.BaseDn, Filter(directory.Kind, groupName), SearchScope.Subtree, "cn");
                // At most a handful can match; two are enough to call it ambiguous, a few more make the message useful.
                request.SizeLimit = 10;
                SearchResponse response;
                try
                {
                    response = (SearchResponse)connection.SendRequest(request, Timeout);
                }
                catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.SizeLimitExceeded)
                {
                    response = (SearchResponse)ex.Response;
                }

                var dns = response.Entries.Cast<SearchResultEntry>().Select(entry => entry.DistinguishedName).ToList();
                return dns.Count switch
                {
                    0 => new GroupLookup(GroupLookupOutcome.NotFound, dns),
                    1 => new GroupLookup(GroupLookupOutcome.Found, dns),
                    _ => new GroupLookup(GroupLookupOutcome.Ambiguous, dns),
                };
            }
            catch (Exception ex) when (ex is LdapException or DirectoryOperationException or UriFormatException or IOException or CryptographicException)
            {
                // libldap's messages never contain the password; the bind DN is not a secret.
                var reason = ex is LdapException ldap ? $"{ldap.Message} (LDAP {ldap.ErrorCode})" : ex.Message;
                logger.LogWarning("Group-name look-up at {Url} as {BindDn} failed: {Reason}", url, directory.BindDn, reason);
                failures.Add($"{url}: {reason}");
            }
        }

        return new GroupLookup(GroupLookupOutcome.Failed, [], $"No directory server answered: {string.Join("; ", failures)}");
    }

    private static LdapConnection Open(string url, DirectoryConnectionSettings directory)
    {
        var uri = new Uri(url);
        var secure = uri.Scheme.Equals("ldaps", StringComparison.OrdinalIgnoreCase);
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (secure ? 636 : 389) : uri.Port;
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, port, fullyQualifiedDnsHostName: false, connectionless: false))
        {
            AuthType = AuthType.Basic,
            Timeout = Timeout,
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        if (secure || directory.TlsMode == DirectoryTlsMode.StartTls)
        {
            if (TrustDirectories.For(directory.CaBundlePem) is { } trusted && !OperatingSystem.IsWindows())
            {
                connection.SessionOptions.TrustedCertificatesDirectory = trusted;
                connection.SessionOptions.StartNewTlsSessionContext();
            }
        }

        if (secure)
        {
            connection.SessionOptions.SecureSocketLayer = true;
        }
        else if (directory.TlsMode == DirectoryTlsMode.StartTls)
        {
            // As in the reader: on Linux the connection exists only after a first bind; an anonymous one sends nothing secret.
            connection.AuthType = AuthType.Anonymous;
            connection.Bind();
            connection.SessionOptions.StartTransportLayerSecurity(null);
            connection.AuthType = AuthType.Basic;
        }

        return connection;
    }
}

/// <summary>
/// libldap (GnuTLS on Debian) trusts a directory of certificates, not PEM text: each distinct bundle is written once
/// into a private directory of its own.
/// </summary>
public static class TrustDirectories
{
    private static readonly Dictionary<string, string> Written = new(StringComparer.Ordinal);

    public static string? For(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(pem)));
        lock (Written)
        {
            if (!Written.TryGetValue(key, out var directory))
            {
                directory = Directory.CreateTempSubdirectory("adsync-config-ca-").FullName;
                File.WriteAllText(Path.Combine(directory, "ca-bundle.pem"), pem);
                Written[key] = directory;
            }

            return directory;
        }
    }
}
