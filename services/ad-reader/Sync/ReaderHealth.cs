namespace RescueAdSync.AdReader.Sync;

/// <summary>The outcome of the last bind, shared between the worker and the readiness check.</summary>
public sealed class ReaderHealth(TimeProvider time)
{
    private volatile BindOutcome? _lastBind;

    public BindOutcome? LastBind => _lastBind;

    public void BindSucceeded(string serverUrl) => _lastBind = new BindOutcome(true, $"bound to {serverUrl}", time.GetUtcNow());

    public void BindFailed(string reason) => _lastBind = new BindOutcome(false, reason, time.GetUtcNow());
}
