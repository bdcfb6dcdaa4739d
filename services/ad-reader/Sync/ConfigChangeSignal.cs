using MassTransit;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Sync;

/// <summary>Wakes the poll loop when the config service announces a change, so an edit is read at once, not at the next poll.</summary>
public sealed class ConfigChangeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already raised: one wake-up covers any number of changes.
        }
    }

    /// <summary>Waits for <paramref name="delay"/> or a change, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delayed = Task.Delay(delay, linked.Token);
        var signalled = _signal.WaitAsync(linked.Token);
        await Task.WhenAny(delayed, signalled);
        await linked.CancelAsync();
        await Task.WhenAll(delayed, signalled).ContinueWith(_ => { }, TaskScheduler.Default);
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>
/// Receives <see cref="ConfigChanged"/> on a queue of this process's own (every replica must hear it; the queue goes
/// away with the process). A wake-up only: the loop then fetches the configuration like every poll.
/// </summary>
public sealed class ConfigChangedConsumer(ConfigChangeSignal signal, ILogger<ConfigChangedConsumer> logger) : IConsumer<ConfigChanged>
{
    public Task Consume(ConsumeContext<ConfigChanged> context)
    {
        logger.LogInformation("Configuration changed ({Resource} {Name}); refreshing now.", context.Message.Resource, context.Message.Name);
        signal.Raise();
        return Task.CompletedTask;
    }
}
