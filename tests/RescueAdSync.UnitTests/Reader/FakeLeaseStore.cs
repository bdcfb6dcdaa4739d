using RescueAdSync.AdReader.Leadership;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>A lease store with the config service's rule (one holder until it lapses) that a test can also make unreachable.</summary>
public sealed class FakeLeaseStore(TimeProvider time) : ILeaseStore
{
    private readonly Lock _gate = new();
    private string? _holder;
    private DateTimeOffset _expiresAt;

    /// <summary>When set, every call fails as if the store could not be reached.</summary>
    public bool Unreachable { get; set; }

    public List<string> Released { get; } = [];

    /// <summary>Runs while a request is being answered, e.g. to let time pass as a slow store would.</summary>
    public Action? WhileAnswering { get; set; }

    public string? Holder
    {
        get
        {
            lock (_gate)
            {
                return _expiresAt > time.GetUtcNow() ? _holder : null;
            }
        }
    }

    /// <summary>Another replica takes the lease, as if ours had lapsed and it won the race.</summary>
    public void TakeOver(string holder, TimeSpan ttl)
    {
        lock (_gate)
        {
            (_holder, _expiresAt) = (holder, time.GetUtcNow() + ttl);
        }
    }

    public Task<bool> TryAcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken cancellationToken)
    {
        if (Unreachable)
        {
            return Task.FromException<bool>(new HttpRequestException("lease store unreachable"));
        }
        WhileAnswering?.Invoke();
        lock (_gate)
        {
            if (_holder != holder && _expiresAt > time.GetUtcNow())
            {
                return Task.FromResult(false);
            }
            (_holder, _expiresAt) = (holder, time.GetUtcNow() + ttl);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Released.Add(holder);
            if (_holder == holder)
            {
                (_holder, _expiresAt) = (null, default);
            }
        }
        return Task.CompletedTask;
    }
}
