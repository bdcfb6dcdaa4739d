namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Starts the next reader cycle early: a directory change notification (<see cref="ChangeNotificationListener"/>) or a
/// configuration change (<see cref="ConfigChangedConsumer"/>). Only a wake-up: the cycle fetches the configuration and
/// decides what changed by its own read of the directory, so a lost or spurious signal changes nothing but latency.
/// </summary>
public sealed class CycleTrigger
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one early cycle covers every change before it.
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);
}
