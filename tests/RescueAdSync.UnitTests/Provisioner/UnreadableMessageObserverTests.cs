using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using RescueAdSync.Provisioner.Consumers;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.UnitTests.Reader;

namespace RescueAdSync.UnitTests.Provisioner;

public sealed class UnreadableMessageObserverTests
{
    private readonly SyncLogRecorder _syncLog = SyncLogRecorder.Create();
    private readonly RecordingLogger<UnreadableMessageObserver> _logger = new();

    private UnreadableMessageObserver Observer() =>
        new(new SyncLogWriter((IConfigApi)(object)_syncLog, NullLogger<SyncLogWriter>.Instance), _logger);

    [Fact]
    public async Task A_message_that_cannot_be_deserialized_is_reported_in_the_sync_log_as_moved_to_the_error_queue()
    {
        await Observer().ReceiveFault(Receive.On("user-changed-p3"),
            new System.Runtime.Serialization.SerializationException("An exception occurred while deserializing the message envelope", new FormatException("'t' is invalid")));

        var entry = Assert.Single(_syncLog.Entries);
        Assert.Equal("UNREADABLE_MESSAGE", entry.ErrorCode);
        Assert.Contains("user-changed-p3 could not be read (SerializationException: 't' is invalid)", entry.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_receive_cancelled_mid_message_is_not_reported_as_unreadable_because_the_broker_delivers_it_again(bool wrapped)
    {
        Exception cancelled = new TaskCanceledException("The operation was canceled.");
        if (wrapped)
        {
            cancelled = new HttpRequestException("config service call cancelled", cancelled);
        }

        await Observer().ReceiveFault(Receive.On("user-changed-p3"), cancelled);

        Assert.Empty(_syncLog.Entries);
        var logged = Assert.Single(_logger.Entries);
        Assert.Contains("delivers it again", logged.Message, StringComparison.Ordinal);
    }

    /// <summary>A receive context that answers its input address only.</summary>
    public class Receive : DispatchProxy
    {
        private Uri _address = new("rabbitmq://localhost/");

        public static ReceiveContext On(string queue)
        {
            var context = Create<ReceiveContext, Receive>();
            ((Receive)(object)context)._address = new Uri($"rabbitmq://localhost/vhost/{queue}");
            return context;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == "get_InputAddress" ? _address : throw new NotSupportedException(targetMethod?.Name);
    }
}
