using RescueAdSync.Benchmarks.Stack;

namespace RescueAdSync.Benchmarks.Directories;

/// <summary>
/// The floor for a full read: OpenLDAP's own ldapsearch paging the same entries with the same filter and attributes
/// as the reader (pages of 1000, its default), output thrown away.
/// </summary>
public static class LdapSearchBaseline
{
    public static readonly string[] OpenLdapAttributes = ["entryUUID", "entryCSN", "displayName", "givenName", "sn", "cn", "mail"];

    public static readonly string[] ActiveDirectoryAttributes =
        ["objectGUID", "uSNChanged", "displayName", "givenName", "sn", "cn", "mail", "userPrincipalName", "userAccountControl", "accountExpires"];

    public static string OpenLdapFilter(string groupDn) => $"(&(memberOf={groupDn})(!(objectClass=groupOfNames))(!(objectClass=groupOfUniqueNames)))";

    public static string ActiveDirectoryFilter(string groupDn) => $"(&(objectClass=user)(!(objectClass=computer))(memberOf={groupDn}))";

    /// <summary>Runs ldapsearch and returns its wall time; throws unless it returned <paramref name="expected"/> entries.</summary>
    public static async Task<TimeSpan> RunAsync(string url, string bindDn, string password, string baseDn, string filter,
        IEnumerable<string> attributes, int expected, CancellationToken ct)
    {
        string[] args = ["-x", "-LLL", "-H", url, "-D", bindDn, "-w", password, "-b", baseDn, "-E", "pr=1000/noprompt", "-o", "ldif-wrap=no", filter];
        // Counting the entries needs the output once; the timed run discards it, as a dump to /dev/null would.
        var counted = await Shell.RunCheckedAsync("ldapsearch", [.. args, "1.1"], ct: ct);
        var entries = counted.Output.Split('\n').Count(l => l.StartsWith("dn: ", StringComparison.Ordinal) || l.StartsWith("dn:: ", StringComparison.Ordinal));
        if (entries != expected)
        {
            throw new InvalidOperationException($"ldapsearch found {entries} entries, expected {expected}.");
        }

        var timed = await Shell.RunCheckedAsync("ldapsearch", [.. args, .. attributes], discardStdout: true, ct: ct);
        return timed.Elapsed;
    }
}
