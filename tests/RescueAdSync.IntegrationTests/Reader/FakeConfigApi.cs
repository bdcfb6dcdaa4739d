using System.Collections.Concurrent;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.IntegrationTests.Reader;

/// <summary>Stands in for the config service so the reader can be driven without it: serves one directory and its mappings, records the sync log.</summary>
public sealed class FakeConfigApi : IConfigApi
{
    private volatile DirectoryConnectionSettings _directory;
    private volatile IReadOnlyList<Mapping> _mappings;

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

    public Task<DirectoryConnectionSettings> GetDirectoryAsync(CancellationToken cancellationToken = default) =>
        Unavailable ? Task.FromException<DirectoryConnectionSettings>(new HttpRequestException("config service down")) : Task.FromResult(_directory);

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

    // Reader state and leases: the reader does not use them yet; kept simple until it does.
    public Task<Refit.IApiResponse<ReaderState>> GetReaderStateAsync(Guid mappingId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Reader state is not faked yet.");

    public Task<Refit.IApiResponse> PutReaderStateAsync(Guid mappingId, ReaderStateUpdate update, string? ifMatch, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Reader state is not faked yet.");

    public Task<Refit.IApiResponse<Lease>> AcquireLeaseAsync(string name, LeaseRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Leases are not faked yet.");

    public Task<Refit.IApiResponse> ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Leases are not faked yet.");
}
