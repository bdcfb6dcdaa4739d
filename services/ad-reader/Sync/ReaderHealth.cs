namespace RescueAdSync.AdReader.Sync;

/// <summary>The outcome of the last bind, shared between the worker and the readiness check.</summary>
public sealed class ReaderHealth(TimeProvider time)
{
    private volatile BindOutcome? _lastBind;
    private long _polls;

    public BindOutcome? LastBind => _lastBind;

    /// <summary>Polls ended since start, with or without error: once it has moved, everything the directory held before had its chance to be read.</summary>
    public long Polls => Interlocked.Read(ref _polls);

    public void PollEnded() => Interlocked.Increment(ref _polls);

    public void BindSucceeded(string serverUrl) => _lastBind = new BindOutcome(true, $"bound to {serverUrl}", time.GetUtcNow());

    public void BindFailed(string reason) => _lastBind = new BindOutcome(false, reason, time.GetUtcNow());
}
