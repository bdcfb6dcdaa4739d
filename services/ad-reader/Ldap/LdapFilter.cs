using System.Text;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>
/// Builds LDAP filters from untrusted values. Group DNs come from an administrator and user ids from the
/// directory: neither may change the shape of a filter, so every value is escaped per RFC 4515.
/// </summary>
public static class LdapFilter
{
    /// <summary>Longest DN or value accepted; AD caps DNs far below this, so anything longer is an attack or a mistake.</summary>
    public const int MaxValueLength = 4096;

    /// <summary>
    /// Rejects DNs that cannot be legitimate before they reach the server: control characters (a smuggled NUL
    /// or newline), empty or oversized values. Throws with a reason that is safe to log.
    /// </summary>
    public static string RequireSafeDn(string dn, string what)
    {
        if (string.IsNullOrWhiteSpace(dn))
        {
            throw new DirectoryReadException($"The {what} is empty.");
        }
        if (dn.Length > MaxValueLength)
        {
            throw new DirectoryReadException($"The {what} is longer than {MaxValueLength} characters.");
        }
        if (dn.Any(char.IsControl))
        {
            throw new DirectoryReadException($"The {what} contains control characters.");
        }
        return dn;
    }

    /// <summary>Direct members of a group in Active Directory; computers are accounts too but never technicians.</summary>
    public static string ActiveDirectoryMembers(string groupDn) =>
        $"(&(objectClass=user)(!(objectClass=computer))(memberOf={LdapEscape.FilterValue(groupDn)}))";

    /// <summary>Members of a group in Active Directory including nested groups (LDAP_MATCHING_RULE_IN_CHAIN; cycles are handled by the DC).</summary>
    public static string ActiveDirectoryNestedMembers(string groupDn) =>
        $"(&(objectClass=user)(!(objectClass=computer))(memberOf:1.2.840.113556.1.4.1941:={LdapEscape.FilterValue(groupDn)}))";

    /// <summary>
    /// Members of any of the groups in OpenLDAP, through the memberof overlay. The overlay gives nested groups a
    /// memberOf too, and a group is never a technician, so group entries are excluded.
    /// </summary>
    public static string OpenLdapMembers(params IReadOnlyCollection<string> groupDns)
    {
        var memberOf = string.Concat(groupDns.Select(dn => $"(memberOf={LdapEscape.FilterValue(dn)})"));
        return $"(&{(groupDns.Count == 1 ? memberOf : $"(|{memberOf})")}{NotAGroup})";
    }

    /// <summary>Groups that are direct members of a group in OpenLDAP (to flatten nesting client-side).</summary>
    public static string OpenLdapSubgroups(string groupDn) => $"(&(memberOf={LdapEscape.FilterValue(groupDn)}){IsAGroup})";

    private const string NotAGroup = "(!(objectClass=groupOfNames))(!(objectClass=groupOfUniqueNames))";

    private const string IsAGroup = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))";
}
