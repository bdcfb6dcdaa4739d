using MassTransit;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Renews the reader's broker connection after the broker refused a publish (a negative confirm). RabbitMQ 3.10 ties a
/// channel's first publish to a quorum queue to the member that led the queue at that moment: while that node is down,
/// every later publish of the channel to that queue is refused, even once another member leads it, until the node
/// returns. A new connection and channel start from the queue's current leader. The worker restarts the bus between
/// polls, when none of the reader's publishes is in flight; the refused changes were kept and go out with the next poll.
/// A message the broker returned (nothing bound to its exchange) is not a refusal: a new channel would not help.
/// </summary>
public sealed class RefusedPublishes
{
    private int _refused;

    // Only the worker's loop renews, one call at a time.
    private bool _startPending;

    /// <summary>True when <paramref name="exception"/> (or one it wraps) is the broker's negative confirm of a publish.</summary>
    public static bool IsRefusal(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is RabbitMQ.Client.Exceptions.PublishException { IsReturn: false })
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// What the sync log says of a failed cycle's publishing: a refusal in words when the broker refused this publish or
    /// another since the last renewal (a publish still retrying when the cycle gave up fails with a timeout of its own),
    /// anything else by its own message.
    /// </summary>
    public string Describe(Exception exception) => IsRefusal(exception) || Volatile.Read(ref _refused) == 1
        ? "the broker refused it (a queue it routes to has no leader, or its leader has just gone down); the reader reconnects"
        : exception.Message;

    /// <summary>Notes a failed publish; only a refusal counts.</summary>
    public void Failed(Exception exception)
    {
        if (IsRefusal(exception))
        {
            Volatile.Write(ref _refused, 1);
        }
    }

    /// <summary>
    /// Restarts <paramref name="bus"/> when a publish was refused since the last call; true when it did. A start that
    /// fails or takes over <see cref="StartTimeout"/> (the broker unreachable meanwhile) throws and is tried again at the
    /// next call: the bus stays stopped until then, and the reader's publishes fail, and are kept, meanwhile.
    /// </summary>
    public Task<bool> RenewIfRefusedAsync(IBusControl bus, ILogger logger, CancellationToken cancellationToken) =>
        RenewIfRefusedAsync(bus.StopAsync, token => bus.StartAsync(token), logger, cancellationToken);

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    internal async Task<bool> RenewIfRefusedAsync(Func<CancellationToken, Task> stop, Func<CancellationToken, Task> start, ILogger logger,
        CancellationToken cancellationToken)
    {
        if (!_startPending)
        {
            if (Interlocked.Exchange(ref _refused, 0) == 0)
            {
                return false;
            }
            logger.RenewingBrokerConnection();
            await stop(cancellationToken);
            _startPending = true;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        await start(timeout.Token);
        _startPending = false;
        return true;
    }

    /// <summary>Tells <see cref="RefusedPublishes"/> of every publish of this process that failed.</summary>
    public sealed class Observer(RefusedPublishes refused) : IPublishObserver
    {
        public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class
        {
            refused.Failed(exception);
            return Task.CompletedTask;
        }
    }
}
