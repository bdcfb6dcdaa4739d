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
/// <remarks>
/// A cycle whose only news is a newer high-water mark (entries changed in the directory, none of them a change for
/// this mapping's users, or a reconciliation that found nothing) is not written at once: the document would travel
/// whole (~25 MB at 100,000 users) to record the mark alone. The stored state stays consistent, only older: a reader
/// starting from it reads again what changed since its mark, finds the same users and publishes nothing. It is
/// written anyway once <see cref="MarkOnlyWriteInterval"/> has passed since the last write, so that a restart never
/// starts from far behind.
/// </remarks>
public sealed class ConfigServiceReaderStateStore(IConfigApi configApi, ReaderStateUploader? uploader = null) : IReaderStateStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    /// <summary>How long a newer mark alone may wait for the next write.</summary>
    public static readonly TimeSpan MarkOnlyWriteInterval = TimeSpan.FromMinutes(5);

    // State: the newest state (written or not); ETag and WrittenAt: of the document stored last.
    private readonly ConcurrentDictionary<Guid, (MappingState? State, string? ETag, DateTimeOffset WrittenAt)> _cache = new();

    public async Task<MappingState?> LoadAsync(Guid mappingId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(mappingId, out var cached))
        {
            return cached.State;
        }
        using var response = await configApi.GetReaderStateAsync(mappingId, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            _cache[mappingId] = (null, null, default);
            return null;
        }
        if (!response.IsSuccessStatusCode || response.Content is null)
        {
            throw new ReaderStateException($"Reading the stored reader state failed: HTTP {(int?)response.StatusCode}.");
        }
        var state = response.Content.Document.Deserialize<MappingState>(Json)
            ?? throw new ReaderStateException("The stored reader state is empty.");
        _cache[mappingId] = (state, response.Headers.ETag?.Tag, state.UpdatedAt);
        return state;
    }

    public async Task SaveAsync(MappingState state, CancellationToken cancellationToken)
    {
        _cache.TryGetValue(state.MappingId, out var cached);
        if (cached.ETag is not null && OnlyTheMarkMoved(cached.State, state) && state.UpdatedAt - cached.WrittenAt < MarkOnlyWriteInterval)
        {
            _cache[state.MappingId] = cached with { State = state };
            return;
        }
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
        _cache[state.MappingId] = (state, etag, state.UpdatedAt);
    }

    /// <summary>
    /// Whether <paramref name="next"/> differs from <paramref name="stored"/> only in what may lag behind safely: the
    /// mark, the DirSync cookie and the times. Users are compared by reference first (a cycle keeps the known record
    /// of every user it found unchanged), then by value.
    /// </summary>
    public static bool OnlyTheMarkMoved(MappingState? stored, MappingState next)
    {
        if (stored is null || stored.MappingId != next.MappingId || stored.SourceGroupDn != next.SourceGroupDn
            || stored.NestedGroups != next.NestedGroups || stored.AttributeRules != next.AttributeRules
            || stored.Mark.ServerIdentity != next.Mark.ServerIdentity || stored.Users.Count != next.Users.Count)
        {
            return false;
        }
        foreach (var (id, user) in next.Users)
        {
            if (!stored.Users.TryGetValue(id, out var known) || (!ReferenceEquals(known, user) && known != user))
            {
                return false;
            }
        }
        return true;
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
