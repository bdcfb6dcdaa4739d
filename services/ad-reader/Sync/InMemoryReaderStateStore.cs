using System.Collections.Concurrent;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Keeps state in the process only: a restart re-publishes every member (harmless, consumers are idempotent) but
/// cannot see users who left while the reader was down. For tests and trials (<c>Reader__StateStore=Memory</c>);
/// the default keeps the state in the config service (<see cref="ConfigServiceReaderStateStore"/>).
/// </summary>
public sealed class InMemoryReaderStateStore : IReaderStateStore
{
    private readonly ConcurrentDictionary<Guid, MappingState> _states = new();

    public Task<MappingState?> LoadAsync(Guid mappingId, CancellationToken cancellationToken) =>
        Task.FromResult(_states.TryGetValue(mappingId, out var state) ? state : null);

    public Task SaveAsync(MappingState state, CancellationToken cancellationToken)
    {
        _states[state.MappingId] = state;
        return Task.CompletedTask;
    }
}
