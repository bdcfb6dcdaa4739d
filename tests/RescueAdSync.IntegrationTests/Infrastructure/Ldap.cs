using System.DirectoryServices.Protocols;
using System.Net;

namespace RescueAdSync.IntegrationTests.Infrastructure;

/// <summary>LDAP connections the way the services make them on Linux.</summary>
internal static class Ldap
{
    public static LdapConnection Bind(string url, string user, string password)
    {
        var uri = new Uri(url);
        var port = uri.IsDefaultPort || uri.Port <= 0 ? 389 : uri.Port;
        var connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, port), new NetworkCredential(user, password), AuthType.Basic)
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        try
        {
            connection.Bind();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return connection;
    }

    public static SearchResultEntry? Find(LdapConnection connection, string dn, params string[] attributes)
    {
        try
        {
            var response = (SearchResponse)connection.SendRequest(new SearchRequest(dn, "(objectClass=*)", SearchScope.Base, attributes));
            return response.Entries.Count == 1 ? response.Entries[0] : null;
        }
        catch (DirectoryOperationException e) when (e.Response.ResultCode == ResultCode.NoSuchObject)
        {
            return null;
        }
    }
}
