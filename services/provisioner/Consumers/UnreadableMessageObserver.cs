using MassTransit;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Consumers;

/// <summary>
/// A message that cannot even be deserialized never reaches the consumer; MassTransit moves it to the error queue
/// (with the exception in its headers). This puts the same fact in the sync log, where the MAH looks. A receive that was
/// cancelled (the endpoint stopping, or its broker connection lost mid-message) is not such a fault: the message was not
/// acknowledged and the broker delivers it again, so it is only logged.
/// </summary>
public sealed class UnreadableMessageObserver(SyncLogWriter syncLog, ILogger<UnreadableMessageObserver> logger) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class =>
        Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        var queue = context.InputAddress.AbsolutePath.Trim('/');
        if (exception is OperationCanceledException || exception.InnerException is OperationCanceledException)
        {
            logger.ReceiveInterrupted(queue, exception.GetType().Name);
            return Task.CompletedTask;
        }

        return syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "receive",
            $"A message on {queue} could not be read ({exception.GetType().Name}: {Describe(exception)}); " +
            "it was moved to the error queue.", ErrorCode: "UNREADABLE_MESSAGE"));
    }

    // The inner exception names the parse error; the message body (personal data) is never quoted.
    private static string Describe(Exception exception)
    {
        var message = (exception.InnerException ?? exception).Message;
        return message.Length > 300 ? message[..300] + "…" : message;
    }
}
