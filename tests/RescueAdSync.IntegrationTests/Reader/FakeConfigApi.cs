using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>
/// Stands in for the config service so the reader can be driven without it: serves one directory and its mappings,
/// records the sync log, and keeps reader state and leases in memory with the service's rules (If-Match, lease expiry).
/// One instance shared by several reader hosts is one config service they all talk to.
/// </summary>
public sealed class FakeConfigApi : IConfigApi
{
    private volatile DirectoryConnectionSettings _directory;
    private volatile IReadOnlyList<Mapping> _mappings;
    private readonly Dictionary<Guid, (ReaderState State, string ETag, SortedDictionary<string, ReaderStateUser> Users)> _states = new();
    private readonly Dictionary<string, Lease> _leases = new();
    private int _stateVersion;

    public FakeConfigApi(DirectoryConnectionSettings directory, params Mapping[] mappings)
    {
        _directory = directory;
        _mappings = mappings;
    }

    public ConcurrentQueue<NewSyncLogEntry> SyncLog { get; } = new();

    /// <summary>When set, every call fails as if the config service were down.</summary>
    public bool Unavailable { get; set; }

    public DirectoryConnectionSettings Directory
    {
        get => _directory;
        set => _directory = value;
    }

    /// <summary>Other named connections than "default" (which is <see cref="Directory"/>).</summary>
    public ConcurrentDictionary<string, DirectoryConnectionSettings> NamedDirectories { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Replaces the mappings served, as an admin's edit would.</summary>
    public IReadOnlyList<Mapping> Mappings
    {
        get => _mappings;
        set => _mappings = value;
    }

    public Task<DirectoryConnectionSettings> GetDirectoryAsync(string name, CancellationToken cancellationToken = default)
    {
        if (Unavailable)
        {
            return Task.FromException<DirectoryConnectionSettings>(new HttpRequestException("config service down"));
        }
        if (string.Equals(name, DirectoryNames.Default, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(_directory);
        }
        return NamedDirectories.TryGetValue(name, out var named)
            ? Task.FromResult(named)
            : Task.FromException<DirectoryConnectionSettings>(new HttpRequestException($"no directory connection named '{name}' (404)"));
    }

    public Task<IReadOnlyList<Mapping>> GetMappingsAsync(CancellationToken cancellationToken = default) =>
        Unavailable ? Task.FromException<IReadOnlyList<Mapping>>(new HttpRequestException("config service down")) : Task.FromResult(_mappings);

    public Task AddSyncLogAsync(NewSyncLogEntry entry, CancellationToken cancellationToken = default)
    {
        SyncLog.Enqueue(entry);
        return Task.CompletedTask;
    }

    public Task<RescueCredentials> GetRescueCredentialsAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The reader never asks for Rescue credentials.");

    public Task<Refit.IApiResponse<TechnicianLink>> GetLinkAsync(string directoryUserId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The reader never reads links.");

    public Task<Refit.IApiResponse> PutLinkAsync(string directoryUserId, TechnicianLink link, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The reader never writes links.");

    public Task<Refit.IApiResponse> AddHistoryAsync(IReadOnlyList<NewHistoryEntry> entries, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The reader never writes the history.");

    public Task<Refit.IApiResponse<LinkWriteResult[]>> PutLinksAsync(IReadOnlyList<TechnicianLink> links, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The reader never writes links.");

    /// <summary>
    /// Reader state as the config service keeps it: a document and known users as rows per mapping, an ETag, If-Match
    /// on writes and pages, users read in id order.
    /// </summary>
    public Task<Refit.IApiResponse<ReaderState>> GetReaderStateAsync(Guid mappingId, CancellationToken cancellationToken = default)
    {
        if (Unavailable)
        {
            return Task.FromException<Refit.IApiResponse<ReaderState>>(new HttpRequestException("config service down"));
        }
        lock (_states)
        {
            return Task.FromResult<Refit.IApiResponse<ReaderState>>(_states.TryGetValue(mappingId, out var stored)
                ? Response(HttpStatusCode.OK, stored.State with { UserCount = stored.Users.Count }, stored.ETag)
                : Response<ReaderState>(HttpStatusCode.NotFound, null, null));
        }
    }

    /// <summary>Every reader-state write accepted, in order: the mapping and how many user rows it wrote and removed.</summary>
    public ConcurrentQueue<(Guid MappingId, int Written, int Removed)> ReaderStateWrites { get; } = new();

    /// <summary>The known users stored for <paramref name="mappingId"/>, by id (empty when no state is stored).</summary>
    public IReadOnlyDictionary<string, ReaderStateUser> StoredUsers(Guid mappingId)
    {
        lock (_states)
        {
            return _states.TryGetValue(mappingId, out var stored)
                ? new Dictionary<string, ReaderStateUser>(stored.Users, StringComparer.Ordinal)
                : new Dictionary<string, ReaderStateUser>();
        }
    }

    public Task<Refit.IApiResponse<ReaderStateUsersPage>> GetReaderStateUsersAsync(Guid mappingId, string? after, int? limit, string? ifMatch,
        CancellationToken cancellationToken = default)
    {
        if (Unavailable)
        {
            return Task.FromException<Refit.IApiResponse<ReaderStateUsersPage>>(new HttpRequestException("config service down"));
        }
        lock (_states)
        {
            if (!_states.TryGetValue(mappingId, out var stored) || (ifMatch is not null && ifMatch != stored.ETag))
            {
                return Task.FromResult<Refit.IApiResponse<ReaderStateUsersPage>>(Response<ReaderStateUsersPage>(
                    stored.ETag is null && ifMatch is null ? HttpStatusCode.NotFound : HttpStatusCode.PreconditionFailed, null, null));
            }
            var take = limit ?? 1000;
            var page = stored.Users.Values.Where(u => after is null || string.CompareOrdinal(u.Id, after) > 0).Take(take).ToList();
            return Task.FromResult<Refit.IApiResponse<ReaderStateUsersPage>>(Response(HttpStatusCode.OK,
                new ReaderStateUsersPage(page, page.Count == take ? page[^1].Id : null), stored.ETag));
        }
    }

    public Task<Refit.IApiResponse> PutReaderStateAsync(Guid mappingId, ReaderStateUpdate update, string? ifMatch, CancellationToken cancellationToken = default)
    {
        if (Unavailable)
        {
            return Task.FromException<Refit.IApiResponse>(new HttpRequestException("config service down"));
        }
        lock (_states)
        {
            var exists = _states.TryGetValue(mappingId, out var stored);
            if (ifMatch != (exists ? stored.ETag : null))
            {
                return Task.FromResult<Refit.IApiResponse>(Response<object>(HttpStatusCode.PreconditionFailed, null, null));
            }
            var users = exists ? stored.Users : new SortedDictionary<string, ReaderStateUser>(StringComparer.Ordinal);
            foreach (var id in update.RemovedUsers ?? [])
            {
                users.Remove(id);
            }
            foreach (var user in update.Users ?? [])
            {
                users[user.Id] = user;
            }
            var etag = $"\"{++_stateVersion}\"";
            _states[mappingId] = (new ReaderState(mappingId, update.Document.Clone(), update.DirectoryVersion, DateTimeOffset.UtcNow), etag, users);
            ReaderStateWrites.Enqueue((mappingId, update.Users?.Count ?? 0, update.RemovedUsers?.Count ?? 0));
            return Task.FromResult<Refit.IApiResponse>(Response<object>(HttpStatusCode.NoContent, null, etag));
        }
    }

    /// <summary>Every lease decision, in order: (holder, granted), so a test can tell who led when.</summary>
    public ConcurrentQueue<(string Holder, bool Granted)> LeaseRequests { get; } = new();

    /// <summary>The config service's lease rule: free, lapsed or already ours → 200 (renewals keep AcquiredAt); else 409.</summary>
    public Task<Refit.IApiResponse<Lease>> AcquireLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default)
    {
        if (Unavailable)
        {
            return Task.FromException<Refit.IApiResponse<Lease>>(new HttpRequestException("config service down"));
        }
        lock (_leases)
        {
            var now = DateTimeOffset.UtcNow;
            if (_leases.TryGetValue(name, out var held) && held.Holder != request.Holder && held.ExpiresAt > now)
            {
                LeaseRequests.Enqueue((request.Holder, false));
                return Task.FromResult<Refit.IApiResponse<Lease>>(Response<Lease>(HttpStatusCode.Conflict, null, null));
            }
            var acquiredAt = held is not null && held.Holder == request.Holder ? held.AcquiredAt : now;
            var lease = new Lease(name, request.Holder, acquiredAt, now.AddSeconds(request.TtlSeconds));
            _leases[name] = lease;
            LeaseRequests.Enqueue((request.Holder, true));
            return Task.FromResult<Refit.IApiResponse<Lease>>(Response(HttpStatusCode.OK, lease, null));
        }
    }

    /// <summary>204 when the holder held it (or nobody does); 409 when another holder does.</summary>
    public Task<Refit.IApiResponse> ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken = default)
    {
        if (Unavailable)
        {
            return Task.FromException<Refit.IApiResponse>(new HttpRequestException("config service down"));
        }
        lock (_leases)
        {
            if (_leases.TryGetValue(name, out var held) && held.Holder != holder && held.ExpiresAt > DateTimeOffset.UtcNow)
            {
                return Task.FromResult<Refit.IApiResponse>(Response<object>(HttpStatusCode.Conflict, null, null));
            }
            _leases.Remove(name);
            return Task.FromResult<Refit.IApiResponse>(Response<object>(HttpStatusCode.NoContent, null, null));
        }
    }

    /// <summary>The current holder of a lease that has not lapsed, if any.</summary>
    public string? LeaseHolder(string name)
    {
        lock (_leases)
        {
            return _leases.TryGetValue(name, out var held) && held.ExpiresAt > DateTimeOffset.UtcNow ? held.Holder : null;
        }
    }

    private static Refit.ApiResponse<T> Response<T>(HttpStatusCode status, T? content, string? etag)
    {
        var message = new HttpResponseMessage(status) { RequestMessage = new HttpRequestMessage(HttpMethod.Get, "http://config.invalid/api") };
        if (etag is not null)
        {
            message.Headers.ETag = new EntityTagHeaderValue(etag);
        }
        return new Refit.ApiResponse<T>(message, content, new Refit.RefitSettings());
    }
}
