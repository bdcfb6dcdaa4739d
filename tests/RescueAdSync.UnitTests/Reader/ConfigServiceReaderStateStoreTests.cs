using System.Net;
using System.Net.Http.Headers;
using Refit;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.AdReader.Sync;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.UnitTests.Reader;

public sealed class ConfigServiceReaderStateStoreTests
{
    private static readonly Guid MappingId = Guid.NewGuid();

    private static MappingState State(long mark, string name = "Alice", double minutes = 60) => new(MappingId, "cn=techs,dc=x", false,
        new HighWaterMark(mark, mark.ToString(), "dc-1"),
        new Dictionary<string, KnownUser> { ["a"] = new("a", "cn=a,dc=x", name, "alice@x", UserState.OutOfScope, 42) },
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(minutes));

    [Fact]
    public async Task A_saved_state_is_read_back_by_a_new_process_exactly()
    {
        var api = new StoringConfigApi();
        await new ConfigServiceReaderStateStore(api).SaveAsync(State(100), CancellationToken.None);

        var loaded = await new ConfigServiceReaderStateStore(api).LoadAsync(MappingId, CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal(State(100) with { Users = loaded.Users }, loaded);
        Assert.Equal(State(100).Users["a"], loaded.Users["a"]);
        Assert.Equal("100", api.DirectoryVersion);
    }

    [Fact]
    public async Task No_stored_state_is_null_and_the_first_write_goes_without_if_match_then_with_the_etag()
    {
        var api = new StoringConfigApi();
        var store = new ConfigServiceReaderStateStore(api);

        Assert.Null(await store.LoadAsync(MappingId, CancellationToken.None));
        await store.SaveAsync(State(100), CancellationToken.None);
        await store.SaveAsync(State(101, "Alice B."), CancellationToken.None);

        Assert.Equal([null, "\"1\""], api.IfMatches);
    }

    [Fact]
    public async Task A_write_by_someone_else_fails_the_save_and_the_next_load_reads_again()
    {
        var api = new StoringConfigApi();
        var mine = new ConfigServiceReaderStateStore(api);
        await mine.SaveAsync(State(100), CancellationToken.None);
        var other = new ConfigServiceReaderStateStore(api);
        await other.LoadAsync(MappingId, CancellationToken.None);
        await other.SaveAsync(State(200, "Alicia"), CancellationToken.None);

        await Assert.ThrowsAsync<ReaderStateException>(() => mine.SaveAsync(State(101, "Alice B."), CancellationToken.None));

        Assert.Equal(200, (await mine.LoadAsync(MappingId, CancellationToken.None))!.Mark.Version);
    }

    [Fact]
    public async Task A_newer_mark_alone_is_kept_in_the_process_until_a_user_changes_or_five_minutes_passed()
    {
        var api = new StoringConfigApi();
        var store = new ConfigServiceReaderStateStore(api);
        await store.SaveAsync(State(100), CancellationToken.None);

        await store.SaveAsync(State(101, minutes: 61), CancellationToken.None);
        await store.SaveAsync(State(102, minutes: 64), CancellationToken.None);

        Assert.Single(api.IfMatches);
        Assert.Equal(102, (await store.LoadAsync(MappingId, CancellationToken.None))!.Mark.Version);
        // What is stored is older but consistent: a new process starts from mark 100 with the same users.
        Assert.Equal(100, (await new ConfigServiceReaderStateStore(api).LoadAsync(MappingId, CancellationToken.None))!.Mark.Version);

        await store.SaveAsync(State(103, minutes: 65), CancellationToken.None);
        Assert.Equal(2, api.IfMatches.Count);
        Assert.Equal("103", api.DirectoryVersion);

        await store.SaveAsync(State(104, "Alice B.", minutes: 66), CancellationToken.None);
        Assert.Equal(3, api.IfMatches.Count);
        Assert.Equal("Alice B.", (await new ConfigServiceReaderStateStore(api).LoadAsync(MappingId, CancellationToken.None))!.Users["a"].DisplayName);
    }

    [Fact]
    public void Only_the_mark_cookie_and_times_may_lag_behind()
    {
        var stored = State(100);

        Assert.True(ConfigServiceReaderStateStore.OnlyTheMarkMoved(stored, State(101, minutes: 90) with { DirSyncCookie = "AQ==", LastFullReadAt = DateTimeOffset.UtcNow }));
        Assert.False(ConfigServiceReaderStateStore.OnlyTheMarkMoved(null, stored));
        Assert.False(ConfigServiceReaderStateStore.OnlyTheMarkMoved(stored, State(101, "Alice B.")));
        Assert.False(ConfigServiceReaderStateStore.OnlyTheMarkMoved(stored, State(101) with { Users = new Dictionary<string, KnownUser>() }));
        Assert.False(ConfigServiceReaderStateStore.OnlyTheMarkMoved(stored, State(101) with { SourceGroupDn = "cn=other,dc=x" }));
        Assert.False(ConfigServiceReaderStateStore.OnlyTheMarkMoved(stored, State(101) with { NestedGroups = true }));
        Assert.False(ConfigServiceReaderStateStore.OnlyTheMarkMoved(stored, State(101) with { AttributeRules = "cn|mail" }));
        Assert.False(ConfigServiceReaderStateStore.OnlyTheMarkMoved(stored, State(101) with { Mark = new HighWaterMark(101, "101", "dc-2") }));
    }

    /// <summary>The config service's reader-state endpoints in miniature: a document, an ETag, If-Match checks.</summary>
    private sealed class StoringConfigApi : IConfigApi
    {
        private System.Text.Json.JsonElement? _document;
        private int _version;

        public string? DirectoryVersion { get; private set; }

        public List<string?> IfMatches { get; } = [];

        public Task<IApiResponse<ReaderState>> GetReaderStateAsync(Guid mappingId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IApiResponse<ReaderState>>(_document is null
                ? Response<ReaderState>(HttpStatusCode.NotFound, null)
                : Response(HttpStatusCode.OK, new ReaderState(mappingId, _document.Value, DirectoryVersion, DateTimeOffset.UtcNow)));

        public Task<IApiResponse> PutReaderStateAsync(Guid mappingId, ReaderStateUpdate update, string? ifMatch, CancellationToken cancellationToken = default)
        {
            IfMatches.Add(ifMatch);
            var current = _document is null ? null : $"\"{_version}\"";
            if (ifMatch != current)
            {
                return Task.FromResult<IApiResponse>(Response<object>(HttpStatusCode.PreconditionFailed, null));
            }
            (_document, DirectoryVersion) = (update.Document.Clone(), update.DirectoryVersion);
            _version++;
            return Task.FromResult<IApiResponse>(Response<object>(HttpStatusCode.NoContent, null));
        }

        private ApiResponse<T> Response<T>(HttpStatusCode status, T? content)
        {
            var message = new HttpResponseMessage(status) { RequestMessage = new HttpRequestMessage(HttpMethod.Get, "http://config/api/reader-state") };
            if (_document is not null && status is HttpStatusCode.OK or HttpStatusCode.NoContent)
            {
                message.Headers.ETag = new EntityTagHeaderValue($"\"{_version}\"");
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
