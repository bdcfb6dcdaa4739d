using System.DirectoryServices.Protocols;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.AdReader.Ldap;

/// <summary>DirSync: Active Directory's own change feed, cost proportional to the changes since the cookie.</summary>
public sealed partial class LdapDirectorySession
{
    /// <summary>Users re-read per request: short filters, few round trips.</summary>
    private const int IdsPerSearch = 100;

    /// <summary>
    /// DirSync reports an object only when an attribute in the request changed: the mapped ones, and "name", through
    /// which AD replicates a move or rename; isDeleted marks tombstones.
    /// </summary>
    private static readonly string[] DirSyncAttributes = ["objectGUID", "name", "isDeleted"];

    public DirSyncChanges? ReadDirSyncChanges(byte[]? cookie)
    {
        if (settings.Kind != Contracts.Config.DirectoryKind.ActiveDirectory)
        {
            return null;
        }
        // DirSync must be a subtree search of the naming context root.
        var request = new SearchRequest(DefaultNamingContext(), "(&(objectClass=user)(!(objectClass=computer)))", SearchScope.Subtree,
            DirSyncAttributes.Concat(_userAttributes)
                .Where(attribute => !attribute.Equals("uSNChanged", StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToArray());
        var control = new DirSyncRequestControl(cookie ?? [], DirectorySynchronizationOptions.IncrementalValues, int.MaxValue) { IsCritical = true };
        request.Controls.Add(control);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            SearchResponse response;
            try
            {
                response = Send(request);
            }
            catch (DirectoryReadException ex) when (ex.InnerException is DirectoryOperationException
            { Response.ResultCode: ResultCode.InsufficientAccessRights or ResultCode.UnwillingToPerform or ResultCode.UnavailableCriticalExtension })
            {
                // The account lacks "Replicating Directory Changes", or the server does not offer DirSync.
                return null;
            }
            foreach (SearchResultEntry result in response.Entries)
            {
                var entry = ToEntry(result);
                if (DirectoryUserMapper.FormatObjectGuid(entry.ObjectGuid) is not { } id)
                {
                    continue;
                }
                if (string.Equals(entry.First("isDeleted"), "TRUE", StringComparison.OrdinalIgnoreCase))
                {
                    deleted.Add(id);
                    changed.Remove(id);
                }
                else
                {
                    changed.Add(id);
                }
            }
            var answer = response.Controls.OfType<DirSyncResponseControl>().FirstOrDefault()
                ?? throw new DirectoryReadException($"{serverUrl} answered a DirSync search without a DirSync response control.");
            if (!answer.MoreData)
            {
                return new DirSyncChanges(changed, deleted, answer.Cookie);
            }
            control.Cookie = answer.Cookie;
        }
    }

    /// <summary>GUID_DELETED_OBJECTS_CONTAINER_W: the domain's Deleted Objects container, whatever its name.</summary>
    private const string DeletedObjectsWellKnownGuid = "18e2ea80684f11d2b9aa00c04f79f805";

    private bool? _tombstonesVisible;

    /// <summary>
    /// Whether this account can see tombstones. Samba and Windows show an ordinary account the Deleted Objects container
    /// but none of its children, so a tombstone search would find nothing whether or not something was deleted. Only a
    /// tombstone actually seen proves it; a domain without any (rare: deletes leave them for 180 days) is read in full.
    /// </summary>
    private bool TombstonesVisible()
    {
        if (_tombstonesVisible is { } known)
        {
            return known;
        }
        var request = new SearchRequest($"<WKGUID={DeletedObjectsWellKnownGuid},{DefaultNamingContext()}>", "(isDeleted=TRUE)",
            SearchScope.OneLevel, "1.1")
        { SizeLimit = 1 };
        request.Controls.Add(new ShowDeletedControl { IsCritical = true });
        try
        {
            _tombstonesVisible = ((SearchResponse)connection.SendRequest(request)).Entries.Count > 0;
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode == ResultCode.SizeLimitExceeded)
        {
            _tombstonesVisible = true;
        }
        catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.NoSuchObject or ResultCode.InsufficientAccessRights)
        {
            _tombstonesVisible = false;
        }
        catch (LdapException ex)
        {
            throw new DirectoryReadException($"Looking for tombstones on {serverUrl} failed: {ex.Message} (LDAP {ex.ErrorCode})", ex);
        }
        return _tombstonesVisible.Value;
    }

    public IEnumerable<LdapEntry> ReadUsersByIds(IReadOnlyCollection<string> directoryUserIds)
    {
        var attributes = (string[])[.. _userAttributes, "memberOf"];
        foreach (var chunk in directoryUserIds.Chunk(IdsPerSearch))
        {
            var ids = chunk.Select(id => Guid.TryParse(id, out var guid) ? guid : throw new DirectoryReadException($"'{id}' is not a directory user id."));
            var filter = $"(&(objectClass=user)(|{string.Concat(ids.Select(guid => $"(objectGUID={LdapEscape.FilterBytes(guid.ToByteArray())})"))}))";
            foreach (var entry in StreamedSearch(DefaultNamingContext(), filter, attributes))
            {
                yield return entry;
            }
        }
    }
}
