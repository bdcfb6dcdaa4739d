using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Keeps <see cref="MappingState"/> in the config service: a small document (mark, cookie, times) and the known users
/// as rows. A save sends only the users that changed since the state this process read or wrote last, with the
/// document, in one write guarded by If-Match: a second reader (or an admin's reset) makes it fail and nothing is
/// written. So a cycle with ten changes writes ten rows, however large the group. The last written state is cached:
/// while this process is the only writer, the state need not travel every poll.
/// </summary>
public sealed class ConfigServiceReaderStateStore(IConfigApi configApi) : IReaderStateStore
{
    /// <summary>Known users per page when the state is read: the responses stay small however large the group.</summary>
    public const int PageSize = 5000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The state as stored (written or read) by this process, and its ETag.
    private readonly ConcurrentDictionary<Guid, (MappingState? State, string? ETag)> _cache = new();

    public async Task<MappingState?> LoadAsync(Guid mappingId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(mappingId, out var cached))
        {
            return cached.State;
        }
        // A write between the first and the last page (another reader, an admin's reset) makes the pages 412: read again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var response = await configApi.GetReaderStateAsync(mappingId, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                _cache[mappingId] = (null, null);
                return null;
            }
            if (!response.IsSuccessStatusCode || response.Content is null)
            {
                throw new ReaderStateException($"Reading the stored reader state failed: HTTP {(int?)response.StatusCode}.");
            }
            var head = response.Content.Document.Deserialize<StoredHead>(Json)
                ?? throw new ReaderStateException("The stored reader state is empty.");
            var etag = response.Headers.ETag?.Tag;
            var users = await ReadUsersAsync(mappingId, etag, response.Content.UserCount, cancellationToken);
            if (users is null)
            {
                continue;
            }
            var state = head.With(users);
            _cache[mappingId] = (state, etag);
            return state;
        }
        throw new ReaderStateException("The stored reader state kept changing while it was read; it is read again next cycle.");
    }

    /// <summary>Every known user, page by page; null when the state changed meanwhile (412).</summary>
    private async Task<Dictionary<string, KnownUser>?> ReadUsersAsync(Guid mappingId, string? etag, int count, CancellationToken cancellationToken)
    {
        var users = new Dictionary<string, KnownUser>(count, StringComparer.Ordinal);
        string? after = null;
        do
        {
            using var page = await configApi.GetReaderStateUsersAsync(mappingId, after, PageSize, etag, cancellationToken);
            if (page.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                return null;
            }
            if (!page.IsSuccessStatusCode || page.Content is null)
            {
                throw new ReaderStateException($"Reading the stored known users failed: HTTP {(int?)page.StatusCode}.");
            }
            foreach (var user in page.Content.Users)
            {
                users[user.Id] = new KnownUser(user.Id, new UserText(user.DisplayName, user.Email, user.DistinguishedName), user.State, user.Version);
            }
            after = page.Content.Next;
        }
        while (after is not null);
        return users;
    }

    public async Task SaveAsync(MappingState state, CancellationToken cancellationToken)
    {
        _cache.TryGetValue(state.MappingId, out var cached);
        var (written, removed) = Changes(cached.State, state);
        var update = new ReaderStateUpdate(JsonSerializer.SerializeToElement(StoredHead.Of(state), Json), state.Mark.Token,
            new KnownUserRows(written), removed);
        using var response = await configApi.PutReaderStateAsync(state.MappingId, update, cached.ETag, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Whatever happened (412: someone else wrote), the cache is no longer the truth: read it again next cycle.
            _cache.TryRemove(state.MappingId, out _);
            throw new ReaderStateException(response.StatusCode == HttpStatusCode.PreconditionFailed
                ? "The stored reader state was changed by someone else (another reader, or an administrator's reset); it is read again next cycle."
                : $"Writing the reader state failed: HTTP {(int?)response.StatusCode}.");
        }
        _cache[state.MappingId] = (state, response.Headers.ETag?.Tag);
    }

    /// <summary>
    /// The users of <paramref name="next"/> that are new or differ from <paramref name="stored"/> in what is stored
    /// (name, email, DN, state, version), and the ids <paramref name="stored"/> knows that <paramref name="next"/> does
    /// not. A cycle keeps the known record of every user it found unchanged, so most compare by reference.
    /// </summary>
    public static (List<KnownUser> Written, List<string> Removed) Changes(MappingState? stored, MappingState next)
    {
        var written = new List<KnownUser>();
        var removed = new List<string>();
        var known = stored?.Users;
        foreach (var (id, user) in next.Users)
        {
            if (known is null || !known.TryGetValue(id, out var before) || !SameStored(before, user))
            {
                written.Add(user);
            }
        }
        if (known is not null)
        {
            removed.AddRange(known.Keys.Where(id => !next.Users.ContainsKey(id)));
        }
        return (written, removed);
    }

    private static bool SameStored(KnownUser a, KnownUser b) =>
        ReferenceEquals(a, b) || (a.Version == b.Version && a.State == b.State && a.Text == b.Text);

    public void Invalidate() => _cache.Clear();

    /// <summary>
    /// The rows of the known users to write, each built only when the request body is serialized: a first cycle of
    /// 100,000 users does not hold 100,000 copies of their strings besides the known records.
    /// </summary>
    private sealed class KnownUserRows(List<KnownUser> users) : IReadOnlyList<ReaderStateUser>
    {
        public int Count => users.Count;

        public ReaderStateUser this[int index] => Row(users[index]);

        public IEnumerator<ReaderStateUser> GetEnumerator() => users.Select(Row).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private static ReaderStateUser Row(KnownUser user) =>
            new(user.Id, user.DisplayName, user.Email, user.DistinguishedName, user.State, user.Version);
    }

    /// <summary>The stored document: <see cref="MappingState"/> without its users (which are rows).</summary>
    private sealed record StoredHead(
        Guid MappingId,
        string SourceGroupDn,
        bool NestedGroups,
        HighWaterMark Mark,
        DateTimeOffset LastFullReadAt,
        DateTimeOffset UpdatedAt,
        string? AttributeRules = null,
        string? DirSyncCookie = null)
    {
        public static StoredHead Of(MappingState state) => new(state.MappingId, state.SourceGroupDn, state.NestedGroups, state.Mark,
            state.LastFullReadAt, state.UpdatedAt, state.AttributeRules, state.DirSyncCookie);

        public MappingState With(IReadOnlyDictionary<string, KnownUser> users) =>
            new(MappingId, SourceGroupDn, NestedGroups, Mark, users, LastFullReadAt, UpdatedAt, AttributeRules, DirSyncCookie);
    }
}
