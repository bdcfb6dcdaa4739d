using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Keeps <see cref="MappingState"/> in the config service as the reader's own JSON document. Writes are guarded by
/// If-Match, so a second reader (or an admin's reset) makes the write fail instead of silently interleaving. The last
/// written state is cached: while this process is the only writer, the document need not travel every poll.
/// With <paramref name="uploader"/> (the service's wiring) the document is streamed into the request instead of being
/// built in memory first.
/// </summary>
public sealed class ConfigServiceReaderStateStore(IConfigApi configApi, ReaderStateUploader? uploader = null) : IReaderStateStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<Guid, (MappingState? State, string? ETag)> _cache = new();

    public async Task<MappingState?> LoadAsync(Guid mappingId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(mappingId, out var cached))
        {
            return cached.State;
        }
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
        var state = response.Content.Document.Deserialize<MappingState>(Json)
            ?? throw new ReaderStateException("The stored reader state is empty.");
        _cache[mappingId] = (state, response.Headers.ETag?.Tag);
        return state;
    }

    public async Task SaveAsync(MappingState state, CancellationToken cancellationToken)
    {
        _cache.TryGetValue(state.MappingId, out var cached);
        var (status, etag) = uploader is not null
            ? await uploader.PutAsync(state, cached.ETag, cancellationToken)
            : await PutThroughApiAsync(state, cached.ETag, cancellationToken);
        if ((int)status is < 200 or > 299)
        {
            // Whatever happened (412: someone else wrote), the cache is no longer the truth: read it again next cycle.
            _cache.TryRemove(state.MappingId, out _);
            throw new ReaderStateException(status == HttpStatusCode.PreconditionFailed
                ? "The stored reader state was changed by someone else (another reader, or an administrator's reset); it is read again next cycle."
                : $"Writing the reader state failed: HTTP {(int)status}.");
        }
        _cache[state.MappingId] = (state, etag);
    }

    private async Task<(HttpStatusCode Status, string? ETag)> PutThroughApiAsync(MappingState state, string? ifMatch, CancellationToken cancellationToken)
    {
        var update = new ReaderStateUpdate(JsonSerializer.SerializeToElement(state, Json), state.Mark.Token);
        using var response = await configApi.PutReaderStateAsync(state.MappingId, update, ifMatch, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (response.StatusCode ?? default, null);
        }
        return (response.StatusCode ?? HttpStatusCode.NoContent, response.Headers.ETag?.Tag);
    }

    public void Invalidate() => _cache.Clear();
}
