using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Refit;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Reader;

public sealed class ConfigServiceReaderStateStoreTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Guid MappingId = Guid.NewGuid();

    private static MappingState State(long mark, string name = "Alice", double minutes = 60) => new(MappingId, "cn=techs,dc=x", false,
        new HighWaterMark(mark, mark.ToString(), "dc-1"),
        new Dictionary<string, KnownUser> { ["a"] = new("a", "cn=a,dc=x", name, "alice@x", UserState.OutOfScope, 42) },
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(minutes), "cn|mail", "AQ==");

    private static Dictionary<string, KnownUser> Users(int count) => Enumerable.Range(0, count).ToDictionary(
        i => $"id-{i:D6}", i => new KnownUser($"id-{i:D6}", $"cn=User {i},dc=x", $"Üser {i}", $"user{i}@x", UserState.Enabled, 1000 + i));

    [Fact]
    public async Task A_saved_state_is_read_back_by_a_new_process_exactly_page_by_page()
    {
        var api = new RowsConfigApi();
        var users = Users(2 * ConfigServiceReaderStateStore.PageSize + 1);
        var state = State(100) with { Users = users };
        await new ConfigServiceReaderStateStore(api).SaveAsync(state, CancellationToken.None);

        var loaded = await new ConfigServiceReaderStateStore(api).LoadAsync(MappingId, CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal(state with { Users = loaded.Users }, loaded);
        Assert.Equal(users.OrderBy(u => u.Key), loaded.Users.OrderBy(u => u.Key));
        Assert.Equal("100", api.DirectoryVersion);
        Assert.Equal(3, api.PagesRead);
        Assert.Equal(users.Count, api.Puts.Single().Users!.Count);
    }

    [Fact]
    public async Task No_stored_state_is_null_and_the_first_write_goes_without_if_match_then_with_the_etag()
    {
        var api = new RowsConfigApi();
        var store = new ConfigServiceReaderStateStore(api);

        Assert.Null(await store.LoadAsync(MappingId, CancellationToken.None));
        await store.SaveAsync(State(100), CancellationToken.None);
        await store.SaveAsync(State(101, "Alice B."), CancellationToken.None);

        Assert.Equal([null, "\"1\""], api.IfMatches);
    }

    [Fact]
    public async Task A_write_by_someone_else_fails_the_save_and_the_next_load_reads_again()
    {
        var api = new RowsConfigApi();
        var mine = new ConfigServiceReaderStateStore(api);
        await mine.SaveAsync(State(100), CancellationToken.None);
        var other = new ConfigServiceReaderStateStore(api);
        await other.LoadAsync(MappingId, CancellationToken.None);
        await other.SaveAsync(State(200, "Alicia"), CancellationToken.None);

        await Assert.ThrowsAsync<ReaderStateException>(() => mine.SaveAsync(State(101, "Alice B."), CancellationToken.None));

        var reread = (await mine.LoadAsync(MappingId, CancellationToken.None))!;
        Assert.Equal((200, "Alicia"), (reread.Mark.Version, reread.Users["a"].DisplayName));
    }

    [Fact]
    public async Task A_save_sends_only_the_users_that_changed_or_were_forgotten_and_a_newer_mark_alone_sends_no_user()
    {
        var api = new RowsConfigApi();
        var store = new ConfigServiceReaderStateStore(api);
        var users = Users(1000);
        await store.SaveAsync(State(100) with { Users = users }, CancellationToken.None);

        var next = new Dictionary<string, KnownUser>(users);
        next["id-000001"] = next["id-000001"] with { State = UserState.Disabled, Version = 5000 };
        next["id-000002"] = next["id-000002"] with { DisplayName = "Renamed" };
        // The same values in a new record (a full read): nothing to write for it.
        next["id-000003"] = new KnownUser("id-000003", "cn=User 3,dc=x", "Üser 3", "user3@x", UserState.Enabled, 1003);
        next.Remove("id-000004");
        next["new"] = new KnownUser("new", "cn=new,dc=x", "New", "new@x", UserState.Enabled, 5001);
        await store.SaveAsync(State(101) with { Users = next }, CancellationToken.None);

        var write = api.Puts[^1];
        Assert.Equal(["id-000001", "id-000002", "new"], write.Users!.Select(u => u.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["id-000004"], write.RemovedUsers);

        await store.SaveAsync(State(102) with { Users = next }, CancellationToken.None);
        Assert.Empty(api.Puts[^1].Users!);
        Assert.Empty(api.Puts[^1].RemovedUsers!);
        var loaded = (await new ConfigServiceReaderStateStore(api).LoadAsync(MappingId, CancellationToken.None))!;
        Assert.Equal(102, loaded.Mark.Version);
        Assert.Equal(next.OrderBy(u => u.Key), loaded.Users.OrderBy(u => u.Key));
    }

    [Fact]
    public async Task A_state_written_while_its_pages_are_read_is_read_again_from_the_start()
    {
        var api = new RowsConfigApi();
        await new ConfigServiceReaderStateStore(api).SaveAsync(State(100) with { Users = Users(2 * ConfigServiceReaderStateStore.PageSize) },
            CancellationToken.None);
        var other = new ConfigServiceReaderStateStore(api);
        await other.LoadAsync(MappingId, CancellationToken.None);
        api.AfterFirstPage = () => other.SaveAsync(State(200) with { Users = Users(3) }, CancellationToken.None).GetAwaiter().GetResult();

        var loaded = (await new ConfigServiceReaderStateStore(api).LoadAsync(MappingId, CancellationToken.None))!;

        Assert.Equal(200, loaded.Mark.Version);
        Assert.Equal(3, loaded.Users.Count);
    }

    /// <summary>
    /// The reader's own cycles against the config service's rules: a ten-change incremental cycle writes ten user rows,
    /// and its request is about as large on a group of 100,000 as on one of 1,000.
    /// </summary>
    [Fact]
    public async Task A_ten_change_cycle_writes_ten_rows_and_the_same_bytes_on_a_big_group_as_on_a_small_one()
    {
        var small = await TenChangeCycleAsync(1_000);
        var big = await TenChangeCycleAsync(100_000);

        output.WriteLine($"10-change cycle: {small.Bytes:N0} bytes at 1,000 users, {big.Bytes:N0} bytes at 100,000 (first write: {big.FirstBytes:N0})");
        Assert.Equal((10, 0), (small.Rows, small.Removed));
        Assert.Equal((10, 0), (big.Rows, big.Removed));
        Assert.True(big.Bytes <= small.Bytes * 1.2, $"{big.Bytes} vs {small.Bytes}");
        Assert.True(big.FirstBytes > 100 * big.Bytes, $"the first write carries every user: {big.FirstBytes}");
    }

    private static async Task<(int Rows, int Removed, long Bytes, long FirstBytes)> TenChangeCycleAsync(int members)
    {
        const string group = "CN=Techs,DC=x";
        var directory = new DirectoryConnectionSettings(DirectoryKind.ActiveDirectory, ["ldap://fake"], "admin", "pw", "DC=x");
        var mapping = new Mapping(MappingId, group, 1, false, true, DateTimeOffset.UtcNow);
        var ids = Enumerable.Range(0, members).Select(i => new Guid(i, 7, 7, new byte[8])).ToList();
        LdapEntry Entry(int i, long usn, string mail) => Entries.Of($"CN=u{i},DC=x", ids[i].ToByteArray(), ("uSNChanged", usn.ToString()),
            ("cn", $"u{i}"), ("mail", mail), ("userAccountControl", "512"), ("memberOf", group));
        var session = new FakeDirectorySession { Members = [.. Enumerable.Range(0, members).Select(i => Entry(i, 60, $"u{i}@x"))] };
        var api = new RowsConfigApi();
        var synchronizer = Synchronizers.Create(new ConfigServiceReaderStateStore(api));
        var publisher = PublishRecorder.Create();

        await synchronizer.SyncAsync(session, directory, mapping, session.Mark, publisher.Endpoint, Guid.NewGuid(), CancellationToken.None);
        session.Mark = session.Mark with { Version = 120, Token = "120" };
        session.GroupVersion = 50;
        session.Changed = [.. Enumerable.Range(0, 10).Select(i => Entry(i * (members / 10), 110, $"u{i}.new@x"))];
        Assert.Equal(10, await synchronizer.SyncAsync(session, directory, mapping, session.Mark, publisher.Endpoint, Guid.NewGuid(), CancellationToken.None));

        Assert.Equal(2, api.Puts.Count);
        var cycle = api.Puts[^1];
        return (cycle.Users!.Count, cycle.RemovedUsers!.Count, api.PutBytes[^1], api.PutBytes[0]);
    }

    /// <summary>
    /// The config service's reader-state endpoints in miniature: a document with an ETag, users as rows, id-ordered
    /// pages, If-Match checks; each write body as it travels (JSON).
    /// </summary>
    private sealed class RowsConfigApi : IConfigApi
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
        private readonly SortedDictionary<string, ReaderStateUser> _users = new(StringComparer.Ordinal);
        private JsonElement? _document;
        private int _version;

        public string? DirectoryVersion { get; private set; }

        public List<string?> IfMatches { get; } = [];

        public List<ReaderStateUpdate> Puts { get; } = [];

        public List<long> PutBytes { get; } = [];

        public int PagesRead { get; private set; }

        /// <summary>Runs once, after the first page was served.</summary>
        public Action? AfterFirstPage { get; set; }

        private string? ETag => _document is null ? null : $"\"{_version}\"";

        public Task<IApiResponse<ReaderState>> GetReaderStateAsync(Guid mappingId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IApiResponse<ReaderState>>(_document is null
                ? Response<ReaderState>(HttpStatusCode.NotFound, null)
                : Response(HttpStatusCode.OK, new ReaderState(mappingId, _document.Value, DirectoryVersion, DateTimeOffset.UtcNow, _users.Count)));

        public Task<IApiResponse<ReaderStateUsersPage>> GetReaderStateUsersAsync(Guid mappingId, string? after, int? limit, string? ifMatch,
            CancellationToken cancellationToken = default)
        {
            if (_document is null || (ifMatch is not null && ifMatch != ETag))
            {
                return Task.FromResult<IApiResponse<ReaderStateUsersPage>>(Response<ReaderStateUsersPage>(HttpStatusCode.PreconditionFailed, null));
            }
            var page = _users.Values.Where(u => after is null || string.CompareOrdinal(u.Id, after) > 0).Take(limit ?? 1000).ToList();
            PagesRead++;
            var response = Response(HttpStatusCode.OK, new ReaderStateUsersPage(page, page.Count == (limit ?? 1000) ? page[^1].Id : null));
            var next = AfterFirstPage;
            AfterFirstPage = null;
            next?.Invoke();
            return Task.FromResult<IApiResponse<ReaderStateUsersPage>>(response);
        }

        public Task<IApiResponse> PutReaderStateAsync(Guid mappingId, ReaderStateUpdate update, string? ifMatch, CancellationToken cancellationToken = default)
        {
            IfMatches.Add(ifMatch);
            var body = JsonSerializer.SerializeToUtf8Bytes(update, Json);
            if (ifMatch != ETag)
            {
                return Task.FromResult<IApiResponse>(Response<object>(HttpStatusCode.PreconditionFailed, null));
            }
            // What travels, as the service reads it.
            update = JsonSerializer.Deserialize<ReaderStateUpdate>(body, Json)!;
            Puts.Add(update);
            PutBytes.Add(body.Length);
            (_document, DirectoryVersion) = (update.Document.Clone(), update.DirectoryVersion);
            foreach (var id in update.RemovedUsers ?? [])
            {
                _users.Remove(id);
            }
            foreach (var user in update.Users ?? [])
            {
                _users[user.Id] = user;
            }
            _version++;
            return Task.FromResult<IApiResponse>(Response<object>(HttpStatusCode.NoContent, null));
        }

        private ApiResponse<T> Response<T>(HttpStatusCode status, T? content)
        {
            var message = new HttpResponseMessage(status) { RequestMessage = new HttpRequestMessage(HttpMethod.Get, "http://config/api/reader-state") };
            if (_document is not null && status is HttpStatusCode.OK or HttpStatusCode.NoContent)
            {
                message.Headers.ETag = new EntityTagHeaderValue(ETag!);
            }
            return new ApiResponse<T>(message, content, new RefitSettings());
        }

        public Task<RescueCredentials> GetRescueCredentialsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<DirectoryConnectionSettings> GetDirectoryAsync(string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Mapping>> GetMappingsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IApiResponse<TechnicianLink>> GetLinkAsync(string directoryUserId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IApiResponse> PutLinkAsync(string directoryUserId, TechnicianLink link, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IApiResponse<LinkWriteResult[]>> PutLinksAsync(IReadOnlyList<TechnicianLink> links, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<IApiResponse> AddHistoryAsync(IReadOnlyList<NewHistoryEntry> entries, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task AddSyncLogAsync(NewSyncLogEntry entry, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IApiResponse<Lease>> AcquireLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IApiResponse> ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
