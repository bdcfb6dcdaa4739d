using System.DirectoryServices.Protocols;
using System.Globalization;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>Reads over one bound <see cref="LdapConnection"/>. Every LDAP failure surfaces as <see cref="DirectoryReadException"/>.</summary>
public sealed class LdapDirectorySession(LdapConnection connection, string serverUrl, DirectoryConnectionSettings settings, ReaderOptions options)
    : IDirectorySession
{
    /// <summary>LDAP_SERVER_SHOW_DELETED_OID: makes tombstones (isDeleted=TRUE) visible to a search.</summary>
    private const string ShowDeletedOid = "1.2.840.113556.1.4.417";

    /// <summary>More nested groups than any sane hierarchy has; beyond it the filter would get unreasonably long.</summary>
    private const int MaxNestedGroups = 500;

    private string? _namingContext;

    public string ServerUrl => serverUrl;

    public long ReadHighWaterMark()
    {
        if (settings.Kind == DirectoryKind.ActiveDirectory)
        {
            var rootDse = SearchOne("", "(objectClass=*)", SearchScope.Base, ["highestCommittedUSN"])
                ?? throw new DirectoryReadException("The rootDSE could not be read.");
            return long.TryParse(rootDse.First("highestCommittedUSN"), NumberStyles.None, CultureInfo.InvariantCulture, out var usn)
                ? usn
                : throw new DirectoryReadException("The rootDSE has no readable highestCommittedUSN.");
        }
        var suffix = SearchOne(NamingContext(), "(objectClass=*)", SearchScope.Base, ["contextCSN"])
            ?? throw new DirectoryReadException("The suffix entry could not be read.");
        // One contextCSN per server id in a multi-provider setup: the newest one bounds everything seen so far.
        var versions = suffix.Values.TryGetValue("contextCSN", out var csns)
            ? csns.Select(csn => EntryCsn.TryToVersion(csn, out var v) ? v : (long?)null).Where(v => v is not null).Select(v => v!.Value).ToList()
            : [];
        return versions.Count > 0 ? versions.Max() : throw new DirectoryReadException("The suffix has no readable contextCSN (is the syncprov overlay loaded?).");
    }

    public IReadOnlyList<LdapEntry> ReadGroupMembers(string groupDn, bool nested)
    {
        LdapFilter.RequireSafeDn(groupDn, "group DN");
        // "Cannot read" must never look like "empty": a group that does not exist is an error, not zero members.
        _ = SearchOne(groupDn, "(objectClass=*)", SearchScope.Base, ["objectClass"])
            ?? throw new DirectoryReadException($"The group '{groupDn}' was not found.");
        var filter = settings.Kind switch
        {
            // The DC resolves the nesting itself (LDAP_MATCHING_RULE_IN_CHAIN), cycles included.
            DirectoryKind.ActiveDirectory when nested => LdapFilter.ActiveDirectoryNestedMembers(groupDn),
            DirectoryKind.ActiveDirectory => LdapFilter.ActiveDirectoryMembers(groupDn),
            _ when nested => LdapFilter.OpenLdapMembers(GroupClosure(groupDn)),
            _ => LdapFilter.OpenLdapMembers(groupDn),
        };
        return PagedSearch(LdapFilter.RequireSafeDn(settings.BaseDn, "base DN"), filter, DirectoryUserMapper.Attributes(settings.Kind));
    }

    public bool UserExists(string directoryUserId)
    {
        if (!Guid.TryParse(directoryUserId, out var id))
        {
            throw new DirectoryReadException($"'{directoryUserId}' is not a directory user id.");
        }
        if (settings.Kind == DirectoryKind.ActiveDirectory)
        {
            // Tombstones live under CN=Deleted Objects of the domain, outside any OU-level base DN: search the whole domain.
            var request = new SearchRequest(DefaultNamingContext(), $"(objectGUID={LdapFilter.EscapeBytes(id.ToByteArray())})",
                SearchScope.Subtree, "isDeleted");
            request.Controls.Add(new ShowDeletedControl { IsCritical = true });
            var entries = Send(request).Entries;
            if (entries.Count == 0)
            {
                return false;
            }
            var isDeleted = ToEntry(entries[0]).First("isDeleted");
            return !string.Equals(isDeleted, "TRUE", StringComparison.OrdinalIgnoreCase);
        }
        return SearchOne(NamingContext(), $"(entryUUID={LdapFilter.EscapeValue(id.ToString("D"))})", SearchScope.Subtree, ["entryUUID"]) is not null;
    }

    public void Dispose() => connection.Dispose();

    private List<LdapEntry> PagedSearch(string baseDn, string filter, string[] attributes)
    {
        var request = new SearchRequest(baseDn, filter, SearchScope.Subtree, attributes);
        var paging = new PageResultRequestControl(options.PageSize);
        request.Controls.Add(paging);
        var result = new List<LdapEntry>();
        while (true)
        {
            var response = Send(request);
            foreach (SearchResultEntry entry in response.Entries)
            {
                result.Add(ToEntry(entry));
            }
            var page = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault();
            if (page is null || page.Cookie is null || page.Cookie.Length == 0)
            {
                return result;
            }
            paging.Cookie = page.Cookie;
        }
    }

    /// <summary>
    /// The group and every group nested in it, breadth first. OpenLDAP has no in-chain rule, so nesting is
    /// flattened here; the visited set makes cycles harmless and the cap keeps a runaway hierarchy from looping.
    /// </summary>
    private List<string> GroupClosure(string groupDn)
    {
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { groupDn };
        var ordered = new List<string> { groupDn };
        var pending = new Queue<string>([groupDn]);
        while (pending.TryDequeue(out var group))
        {
            foreach (var subgroup in PagedSearch(NamingContext(), LdapFilter.OpenLdapSubgroups(group), ["1.1"]))
            {
                if (!visited.Add(subgroup.DistinguishedName))
                {
                    continue;
                }
                if (visited.Count > MaxNestedGroups)
                {
                    throw new DirectoryReadException($"The group '{groupDn}' nests more than {MaxNestedGroups} groups.");
                }
                ordered.Add(subgroup.DistinguishedName);
                pending.Enqueue(subgroup.DistinguishedName);
            }
        }
        return ordered;
    }

    private LdapEntry? SearchOne(string baseDn, string filter, SearchScope scope, string[] attributes)
    {
        try
        {
            var response = Send(new SearchRequest(baseDn, filter, scope, attributes));
            return response.Entries.Count == 0 ? null : ToEntry(response.Entries[0]);
        }
        catch (DirectoryReadException ex) when (ex.InnerException is DirectoryOperationException { Response.ResultCode: ResultCode.NoSuchObject })
        {
            return null;
        }
    }

    private SearchResponse Send(SearchRequest request)
    {
        try
        {
            var response = (SearchResponse)connection.SendRequest(request);
            if (response.ResultCode != ResultCode.Success)
            {
                throw new DirectoryReadException($"Search under '{request.DistinguishedName}' on {serverUrl} returned {response.ResultCode}.");
            }
            return response;
        }
        catch (DirectoryOperationException ex)
        {
            throw new DirectoryReadException(
                $"Search under '{request.DistinguishedName}' on {serverUrl} failed: {ex.Response?.ResultCode} {ex.Response?.ErrorMessage}".TrimEnd(), ex);
        }
        catch (LdapException ex)
        {
            throw new DirectoryReadException($"Search under '{request.DistinguishedName}' on {serverUrl} failed: {ex.Message} (LDAP {ex.ErrorCode})", ex);
        }
    }

    private string DefaultNamingContext() => _namingContext ??=
        SearchOne("", "(objectClass=*)", SearchScope.Base, ["defaultNamingContext"])?.First("defaultNamingContext")
        ?? throw new DirectoryReadException("The rootDSE has no defaultNamingContext.");

    /// <summary>The OpenLDAP suffix that holds the base DN: the longest naming context the base DN ends with.</summary>
    private string NamingContext()
    {
        if (_namingContext is not null)
        {
            return _namingContext;
        }
        var rootDse = SearchOne("", "(objectClass=*)", SearchScope.Base, ["namingContexts"])
            ?? throw new DirectoryReadException("The rootDSE could not be read.");
        var contexts = rootDse.Values.TryGetValue("namingContexts", out var values) ? values : [];
        _namingContext = contexts
            .Where(context => settings.BaseDn.EndsWith(context, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(context => context.Length)
            .FirstOrDefault()
            ?? throw new DirectoryReadException($"No naming context of the server holds the base DN '{settings.BaseDn}'.");
        return _namingContext;
    }

    private static LdapEntry ToEntry(SearchResultEntry entry)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        byte[]? objectGuid = null;
        foreach (string name in entry.Attributes.AttributeNames)
        {
            var attribute = entry.Attributes[name];
            if (name.Equals("objectGUID", StringComparison.OrdinalIgnoreCase))
            {
                // Binary: decoding it as text would corrupt it.
                objectGuid = attribute.GetValues(typeof(byte[])).OfType<byte[]>().FirstOrDefault();
                continue;
            }
            values[name] = attribute.GetValues(typeof(string)).OfType<string>().ToArray();
        }
        return new LdapEntry(entry.DistinguishedName, values, objectGuid);
    }
}
