using System.DirectoryServices.Protocols;
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
/// (bind identity, TLS, CA bundle) through <see cref="LdapConnectionFactory"/>, at the servers <see cref="DomainControllerLocator"/>
/// names, as the reader does. The name is escaped per RFC 4515 before it goes into the filter.
/// </summary>
public sealed class GroupNameResolver(ILogger<GroupNameResolver> logger, DomainControllerLocator locator)
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
        try
        {
            foreach (var url in locator.Candidates(directory))
            {
                if (TryResolve(url, directory, groupName, failures) is { } lookup)
                {
                    return lookup;
                }
            }
        }
        catch (DirectoryConnectionException ex) when (failures.Count == 0)
        {
            return new GroupLookup(GroupLookupOutcome.Failed, [], ex.Message);
        }
        catch (DirectoryConnectionException ex)
        {
            failures.Add(ex.Message);
        }

        return new GroupLookup(GroupLookupOutcome.Failed, [], $"No directory server answered: {string.Join("; ", failures)}");
    }

    private GroupLookup? TryResolve(string url, DirectoryConnectionSettings directory, string groupName, List<string> failures)
    {
        try
        {
            using var connection = LdapConnectionFactory.Open(url, directory, Timeout);
            LdapConnectionFactory.Bind(connection, directory);
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
        catch (Exception ex) when (LdapConnectionFactory.IsConnectionFailure(ex))
        {
            // libldap's messages never contain the password; the bind DN is not a secret.
            var reason = LdapFailureReason.Describe(url, ex, directory);
            logger.GroupLookupFailed(url, LdapConnectionFactory.BindIdentity(directory), reason, ex);
            failures.Add($"{url}: {reason}");
            return null;
        }
    }
}
