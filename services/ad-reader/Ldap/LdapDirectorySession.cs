using System.DirectoryServices.Protocols;
using System.Globalization;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>Reads over one bound <see cref="LdapConnection"/>. Every LDAP failure surfaces as <see cref="DirectoryReadException"/>.</summary>
/// <param name="extraAttributes">Attributes requested beyond the kind's defaults (the mappings' name/email attributes, the status attribute).</param>
public sealed partial class LdapDirectorySession(LdapConnection connection, string serverUrl, DirectoryConnectionSettings settings, ReaderOptions options,
    IReadOnlyList<string>? extraAttributes = null)
    : IDirectorySession
{
    private readonly string[] _userAttributes = [.. DirectoryUserMapper.Attributes(settings.Kind), .. extraAttributes ?? []];

    /// <summary>LDAP_SERVER_SHOW_DELETED_OID: makes tombstones (isDeleted=TRUE) visible to a search.</summary>
    private const string ShowDeletedOid = "1.2.840.113556.1.4.417";

    /// <summary>More nested groups than any sane hierarchy has; beyond it the filter would get unreasonably long.</summary>
    private const int MaxNestedGroups = 500;

    private string? _namingContext;

    public string ServerUrl => serverUrl;

    public HighWaterMark ReadHighWaterMark()
    {
        if (settings.Kind == DirectoryKind.ActiveDirectory)
        {
            var rootDse = SearchOne("", "(objectClass=*)", SearchScope.Base, ["highestCommittedUSN", "dsServiceName"])
                ?? throw new DirectoryReadException("The rootDSE could not be read.");
            if (!long.TryParse(rootDse.First("highestCommittedUSN"), NumberStyles.None, CultureInfo.InvariantCulture, out var usn))
            {
                throw new DirectoryReadException("The rootDSE has no readable highestCommittedUSN.");
            }
            return new HighWaterMark(usn, usn.ToString(CultureInfo.InvariantCulture), InvocationId(rootDse.First("dsServiceName")));
        }
        var suffix = SearchOne(NamingContext(), "(objectClass=*)", SearchScope.Base, ["contextCSN"])
            ?? throw new DirectoryReadException("The suffix entry could not be read.");
        // One contextCSN per server id in a multi-provider setup: the newest one bounds everything seen so far.
        var newest = (suffix.Values.TryGetValue("contextCSN", out var csns) ? csns : [])
            .Select(csn => (Csn: csn, Ok: EntryCsn.TryToVersion(csn, out var version), Version: version))
            .Where(candidate => candidate.Ok)
            .OrderByDescending(candidate => candidate.Version)
            .FirstOrDefault();
        return newest.Ok
            ? new HighWaterMark(newest.Version, newest.Csn, "openldap")
            : throw new DirectoryReadException("The suffix has no readable contextCSN (is the syncprov overlay loaded?).");
    }

    public long ReadGroupVersion(string groupDn)
    {
        LdapFilter.RequireSafeDn(groupDn, "group DN");
        // "Cannot read" must never look like "empty": a group that does not exist is an error, not zero members.
        var group = SearchOne(groupDn, "(objectClass=*)", SearchScope.Base, [VersionAttribute])
            ?? throw new DirectoryReadException($"The group '{groupDn}' was not found.");
        return DirectoryUserMapper.ReadVersion(settings.Kind, group)
            ?? throw new DirectoryReadException($"The group '{groupDn}' has no readable {VersionAttribute}.");
    }

    public IEnumerable<LdapEntry> ReadChangedUsers(HighWaterMark since)
    {
        var filter = settings.Kind == DirectoryKind.ActiveDirectory
            ? $"(&(objectClass=user)(!(objectClass=computer))(uSNChanged>={since.Version + 1}))"
            // entryCSN has an ordering rule; >= re-reads the entry at the mark itself, which the diff then finds unchanged.
            : $"(&(entryCSN>={LdapEscape.FilterValue(since.Token)})(!(objectClass=groupOfNames))(!(objectClass=groupOfUniqueNames)))";
        // The whole naming context, not the base DN: a user moved out of the base DN must be seen to leave.
        var root = settings.Kind == DirectoryKind.ActiveDirectory ? DefaultNamingContext() : NamingContext();
        return StreamedSearch(root, filter, [.. _userAttributes, "memberOf"]);
    }

    public IReadOnlyList<string>? ReadDeletedUserIds(HighWaterMark since)
    {
        if (settings.Kind != DirectoryKind.ActiveDirectory)
        {
            return ReadAccessLogDeletes(since);
        }
        // Deleting a user removes it from its groups without touching the groups' uSNChanged: only the tombstone tells.
        if (!TombstonesVisible())
        {
            // An ordinary account sees no tombstones at all, so "none found" would mean nothing: read in full instead.
            return null;
        }
        var tombstones = PagedSearch(DefaultNamingContext(), $"(&(isDeleted=TRUE)(uSNChanged>={since.Version + 1}))", ["objectGUID"],
            new ShowDeletedControl { IsCritical = true });
        return tombstones.Select(entry => DirectoryUserMapper.FormatObjectGuid(entry.ObjectGuid)).OfType<string>().ToList();
    }

    /// <summary>
    /// OpenLDAP forgets deleted entries, and memberof-refint strips them from groups without changing the groups'
    /// entryCSN, so deletes are read from the accesslog database. reqStart has one-second resolution: the whole second
    /// of the mark is read again, which at worst repeats a delete the diff already knows. Null when there is no
    /// readable accesslog: the caller must then read in full.
    /// </summary>
    private List<string>? ReadAccessLogDeletes(HighWaterMark since)
    {
        var second = since.Token.Length >= 14 ? since.Token[..14] : null;
        if (second is null || !second.All(char.IsAsciiDigit))
        {
            return null;
        }
        try
        {
            var deletes = PagedSearch(AccessLogSuffix, $"(&(objectClass=auditDelete)(reqResult=0)(reqStart>={second}.000000Z))", ["reqEntryUUID"]);
            return deletes
                .Select(entry => Guid.TryParse(entry.First("reqEntryUUID"), out var uuid) ? uuid.ToString("D") : null)
                .OfType<string>()
                .ToList();
        }
        catch (DirectoryReadException ex) when (ex.InnerException is DirectoryOperationException
        { Response.ResultCode: ResultCode.NoSuchObject or ResultCode.InsufficientAccessRights or ResultCode.UndefinedAttributeType })
        {
            return null;
        }
    }

    /// <summary>The accesslog database's suffix as our deployment scripts and the recipes configure it.</summary>
    private const string AccessLogSuffix = "cn=accesslog";

    private string VersionAttribute => settings.Kind == DirectoryKind.ActiveDirectory ? "uSNChanged" : "entryCSN";

    /// <summary>The DC's invocationId: USNs are only comparable within one DC database, and a restore gives it a new one.</summary>
    private string InvocationId(string? dsServiceName)
    {
        if (dsServiceName is null)
        {
            throw new DirectoryReadException("The rootDSE has no dsServiceName.");
        }
        var request = new SearchRequest(dsServiceName, "(objectClass=*)", SearchScope.Base, "invocationId");
        var entries = Send(request).Entries;
        var bytes = entries.Count == 0 ? null : entries[0].Attributes["invocationId"]?.GetValues(typeof(byte[])).OfType<byte[]>().FirstOrDefault();
        return DirectoryUserMapper.FormatObjectGuid(bytes) ?? throw new DirectoryReadException("The DC's invocationId could not be read.");
    }

    public IEnumerable<LdapEntry> ReadGroupMembers(string groupDn, bool nested)
    {
        _ = ReadGroupVersion(groupDn);
        IReadOnlyList<string> groups = settings.Kind != DirectoryKind.ActiveDirectory && nested ? GroupClosure(groupDn) : [groupDn];
        var filter = settings.Kind switch
        {
            // The DC resolves the nesting itself (LDAP_MATCHING_RULE_IN_CHAIN), cycles included.
            DirectoryKind.ActiveDirectory when nested => LdapFilter.ActiveDirectoryNestedMembers(groupDn),
            DirectoryKind.ActiveDirectory => LdapFilter.ActiveDirectoryMembers(groupDn),
            _ => LdapFilter.OpenLdapMembers(groups),
        };
        // Not an iterator itself: the group check and the filter (nested closure) run now, the member pages lazily.
        var members = StreamedSearch(LdapFilter.RequireSafeDn(settings.BaseDn, "base DN"), filter, _userAttributes);
        return settings.Kind == DirectoryKind.ActiveDirectory
            ? members
            : WithListedMembers(members, groups);
    }

    /// <summary>
    /// OpenLDAP: the groups' own member values are the membership; memberOf is the memberof overlay's copy, written in a
    /// separate operation after the group's. A slapd stopped between the two (or the overlay failing) leaves a member
    /// listed in the group without the memberOf that the search above goes by. The entries the search returned are
    /// passed through; then every DN the groups list that it did not return is read on its own (normally none).
    /// Only hashes of the returned DNs are kept, so a large group costs 8 bytes per member here.
    /// </summary>
    private IEnumerable<LdapEntry> WithListedMembers(IEnumerable<LdapEntry> members, IReadOnlyList<string> groupDns)
    {
        var returned = new HashSet<long>();
        foreach (var entry in members)
        {
            returned.Add(DnHash(entry.DistinguishedName));
            yield return entry;
        }
        foreach (var groupDn in groupDns)
        {
            foreach (var dn in ListedMembers(groupDn))
            {
                if (!DistinguishedNames.IsUnder(dn, settings.BaseDn) || !returned.Add(DnHash(dn)))
                {
                    continue;
                }
                // A base search on the DN the group lists; a dangling value (no such entry) or a nested group is no user.
                if (SearchOne(dn, NotAGroupFilter, SearchScope.Base, _userAttributes) is { } entry)
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>
    /// Whether the group's own member (or uniqueMember) values list <paramref name="memberDn"/>: the membership itself,
    /// where memberOf is only its copy on the member's entry.
    /// </summary>
    public bool IsListedMember(string groupDn, string memberDn)
    {
        LdapFilter.RequireSafeDn(groupDn, "group DN");
        var value = LdapEscape.FilterValue(memberDn);
        var filter = settings.Kind == DirectoryKind.ActiveDirectory ? $"(member={value})" : $"(|(member={value})(uniqueMember={value}))";
        return SearchOne(groupDn, filter, SearchScope.Base, ["1.1"]) is not null;
    }

    private IEnumerable<string> ListedMembers(string groupDn)
    {
        var group = SearchOne(groupDn, "(objectClass=*)", SearchScope.Base, ["member", "uniqueMember"])
            ?? throw new DirectoryReadException($"The group '{groupDn}' was not found.");
        var members = group.Values.TryGetValue("member", out var values) ? values : [];
        // uniqueMember may carry an optional "#'0101'B" unique identifier after the DN.
        var unique = group.Values.TryGetValue("uniqueMember", out var uniqueValues) ? uniqueValues.Select(WithoutUid) : [];
        return members.Concat(unique);
    }

    private static string WithoutUid(string value)
    {
        var hash = value.LastIndexOf("#'", StringComparison.Ordinal);
        return hash > 0 && value.EndsWith("'B", StringComparison.Ordinal) ? value[..hash] : value;
    }

    private static long DnHash(string dn) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(DistinguishedNames.Normalize(dn))));

    private const string NotAGroupFilter = "(&(!(objectClass=groupOfNames))(!(objectClass=groupOfUniqueNames)))";

    public bool UserExists(string directoryUserId)
    {
        if (!Guid.TryParse(directoryUserId, out var id))
        {
            throw new DirectoryReadException($"'{directoryUserId}' is not a directory user id.");
        }
        if (settings.Kind == DirectoryKind.ActiveDirectory)
        {
            // Tombstones live under CN=Deleted Objects of the domain, outside any OU-level base DN: search the whole domain.
            var request = new SearchRequest(DefaultNamingContext(), $"(objectGUID={LdapEscape.FilterBytes(id.ToByteArray())})",
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
        return SearchOne(NamingContext(), $"(entryUUID={LdapEscape.FilterValue(id.ToString("D"))})", SearchScope.Subtree, ["entryUUID"]) is not null;
    }

    public void Dispose() => connection.Dispose();

    private List<LdapEntry> PagedSearch(string baseDn, string filter, string[] attributes, params DirectoryControl[] controls) =>
        [.. StreamedSearch(baseDn, filter, attributes, controls)];

    /// <summary>
    /// A paged search whose entries are converted one page at a time as the caller enumerates, so only one page of
    /// S.DS.P results is alive at once instead of every entry of a large group (see docs/performance.md, memory).
    /// </summary>
    private IEnumerable<LdapEntry> StreamedSearch(string baseDn, string filter, string[] attributes, params DirectoryControl[] controls)
    {
        var request = new SearchRequest(baseDn, filter, SearchScope.Subtree, attributes);
        request.Controls.AddRange(controls);
        var paging = new PageResultRequestControl(options.PageSize);
        request.Controls.Add(paging);
        while (true)
        {
            var response = Send(request);
            foreach (SearchResultEntry entry in response.Entries)
            {
                yield return ToEntry(entry);
            }
            var page = response.Controls.OfType<PageResultResponseControl>().FirstOrDefault();
            if (page is null || page.Cookie is null || page.Cookie.Length == 0)
            {
                yield break;
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
