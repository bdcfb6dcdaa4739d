using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net;

namespace RescueAdSync.Benchmarks.Directories;

/// <summary>
/// Completed LDAP operations by type, from slapd's cn=Monitor, over one bound connection kept open so that each
/// snapshot costs exactly one search: the delta between two snapshots includes the first snapshot's own search,
/// which <see cref="Delta"/> takes off.
/// </summary>
public sealed class LdapOperationCounter : IDisposable
{
    private readonly LdapConnection _connection;

    public LdapOperationCounter(string url, string bindDn, string password)
    {
        var uri = new Uri(url);
        _connection = new LdapConnection(new LdapDirectoryIdentifier(uri.Host, uri.Port), new NetworkCredential(bindDn, password), AuthType.Basic);
        _connection.SessionOptions.ProtocolVersion = 3;
        _connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        _connection.Bind();
    }

    /// <summary>Completed operations by type (Bind, Search, Unbind, …) plus "Connections" (total connections accepted).</summary>
    public IReadOnlyDictionary<string, long> Snapshot()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var operations = (SearchResponse)_connection.SendRequest(new SearchRequest("cn=Operations,cn=Monitor", "(objectClass=*)", SearchScope.OneLevel, "monitorOpCompleted"));
        foreach (SearchResultEntry entry in operations.Entries)
        {
            var name = entry.DistinguishedName.Split(',')[0].Split('=')[1];
            counts[name] = long.Parse((string)entry.Attributes["monitorOpCompleted"][0], CultureInfo.InvariantCulture);
        }
        var connections = (SearchResponse)_connection.SendRequest(new SearchRequest("cn=Total,cn=Connections,cn=Monitor", "(objectClass=*)", SearchScope.Base, "monitorCounter"));
        counts["Connections"] = long.Parse((string)connections.Entries[0].Attributes["monitorCounter"][0], CultureInfo.InvariantCulture);
        return counts;
    }

    /// <summary>Operations between two snapshots, without the two searches the earlier snapshot made itself.</summary>
    public static IReadOnlyDictionary<string, long> Delta(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after)
    {
        var delta = after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key), StringComparer.Ordinal);
        delta["Search"] = delta.GetValueOrDefault("Search") - 2;
        return delta;
    }

    public void Dispose() => _connection.Dispose();
}
