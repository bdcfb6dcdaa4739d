using System.DirectoryServices.Protocols;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>Finding one user by the name an operator gives (provision on demand).</summary>
public sealed partial class LdapDirectorySession
{
    public IReadOnlyList<LdapEntry> FindUsers(string name)
    {
        name = name.Trim();
        var baseDn = LdapFilter.RequireSafeDn(settings.BaseDn, "base DN");
        var ad = settings.Kind == DirectoryKind.ActiveDirectory;
        var notAGroup = ad ? "(objectClass=user)(!(objectClass=computer))" : "(!(objectClass=groupOfNames))(!(objectClass=groupOfUniqueNames))";
        string filter;
        if (Guid.TryParse(name, out var id))
        {
            filter = ad ? $"(objectGUID={LdapEscape.FilterBytes(id.ToByteArray())})" : $"(entryUUID={LdapEscape.FilterValue(id.ToString("D"))})";
        }
        else if (LooksLikeDn(name))
        {
            // A base search on the DN itself: the server parses it, no filter is built from it. Only under the base DN.
            if (!DistinguishedNames.IsUnder(name, settings.BaseDn))
            {
                return [];
            }
            var entry = SearchOne(name, $"(&{notAGroup})", SearchScope.Base, _userAttributes);
            return entry is null ? [] : [entry];
        }
        else
        {
            var value = LdapEscape.FilterValue(name);
            filter = ad
                ? $"(|(sAMAccountName={value})(userPrincipalName={value})(mail={value}))"
                : $"(|(uid={value})(mail={value}))";
        }
        var response = Send(new SearchRequest(baseDn, $"(&{notAGroup}{filter})", SearchScope.Subtree, _userAttributes));
        return [.. response.Entries.Cast<SearchResultEntry>().Select(ToEntry)];
    }

    private static bool LooksLikeDn(string name) => name.Contains('=') && (name.Contains(',') || !name.Contains('@'));
}
