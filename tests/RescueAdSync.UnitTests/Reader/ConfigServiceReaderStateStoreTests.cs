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

    private static MappingState State(long mark) => new(MappingId, "cn=techs,dc=x", false, new HighWaterMark(mark, mark.ToString(), "dc-1"),
        new Dictionary<string, KnownUser> { ["a"] = new("a", "cn=a,dc=x", "Alice", "alice@x", UserState.OutOfScope, 42) },
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1));

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
        await store.SaveAsync(State(101), CancellationToken.None);

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
        await other.SaveAsync(State(200), CancellationToken.None);

        await Assert.ThrowsAsync<ReaderStateException>(() => mine.SaveAsync(State(101), CancellationToken.None));

        Assert.Equal(200, (await mine.LoadAsync(MappingId, CancellationToken.None))!.Mark.Version);
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

        public Task AddSyncLogAsync(NewSyncLogEntry entry, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IApiResponse<Lease>> AcquireLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IApiResponse> ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
