using MassTransit;
using RescueAdSync.AdReader.Sync;

namespace RescueAdSync.UnitTests.Reader;

/// <summary>
/// A publish the broker refused (a negative confirm) makes the reader restart its bus once, before its next poll; a message
/// the broker returned (nothing bound) or any other failure does not.
/// </summary>
public sealed class RefusedPublishesTests
{
    private static Exception Refusal() =>
        new MassTransit.RabbitMqConnectionException("BasicPublishAsync failed", new RabbitMQ.Client.Exceptions.PublishException(7, isReturn: false));

    private static Exception Return() =>
        new MassTransit.RabbitMqConnectionException("BasicPublishAsync failed", new RabbitMQ.Client.Exceptions.PublishException(8, isReturn: true));

    [Fact]
    public void A_negative_confirm_is_a_refusal_wrapped_or_not_and_a_return_or_another_failure_is_not()
    {
        Assert.True(RefusedPublishes.IsRefusal(Refusal()));
        Assert.True(RefusedPublishes.IsRefusal(new RabbitMQ.Client.Exceptions.PublishException(1, isReturn: false)));
        Assert.False(RefusedPublishes.IsRefusal(Return()));
        Assert.False(RefusedPublishes.IsRefusal(new TimeoutException("no confirm in time")));
    }

    [Fact]
    public void The_sync_log_names_a_refusal_also_when_the_cycle_failed_on_a_publish_that_timed_out_after_it()
    {
        var refused = new RefusedPublishes();
        var timedOut = new TaskCanceledException("A task was canceled.");
        Assert.Equal("A task was canceled.", refused.Describe(timedOut));
        Assert.StartsWith("the broker refused it", refused.Describe(Refusal()));

        refused.Failed(Refusal());
        Assert.StartsWith("the broker refused it", refused.Describe(timedOut));
    }

    [Fact]
    public async Task A_refused_publish_restarts_the_bus_once_and_a_returned_one_not_at_all()
    {
        var starts = new StartCounter();
        var bus = Bus.Factory.CreateUsingInMemory(cfg => cfg.ConnectBusObserver(starts));
        var logger = new RecordingLogger<RefusedPublishes>();
        var refused = new RefusedPublishes();
        await bus.StartAsync();
        try
        {
            Assert.Equal(1, starts.Count);
            refused.Failed(Return());
            refused.Failed(new TimeoutException("no confirm in time"));
            Assert.False(await refused.RenewIfRefusedAsync(bus, logger, CancellationToken.None));
            Assert.Equal(1, starts.Count);

            refused.Failed(Refusal());
            refused.Failed(Refusal());
            Assert.True(await refused.RenewIfRefusedAsync(bus, logger, CancellationToken.None));
            Assert.Equal(2, starts.Count);
            Assert.Equal(BusHealthStatus.Healthy, bus.CheckHealth().Status);
            Assert.Contains(logger.Entries, e => e.EventId.Id == 2007);

            // Renewed: nothing more until the next refusal.
            Assert.False(await refused.RenewIfRefusedAsync(bus, logger, CancellationToken.None));
            Assert.Equal(2, starts.Count);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    [Fact]
    public async Task A_restart_whose_start_failed_starts_again_at_the_next_call_without_stopping_again()
    {
        var logger = new RecordingLogger<RefusedPublishes>();
        var refused = new RefusedPublishes();
        var calls = new List<string>();
        var startFails = true;
        Task Stop(CancellationToken _)
        {
            calls.Add("stop");
            return Task.CompletedTask;
        }
        Task Start(CancellationToken _)
        {
            calls.Add("start");
            return startFails ? Task.FromException(new TimeoutException("broker unreachable")) : Task.CompletedTask;
        }

        refused.Failed(Refusal());
        await Assert.ThrowsAsync<TimeoutException>(() => refused.RenewIfRefusedAsync(Stop, Start, logger, CancellationToken.None));
        startFails = false;
        Assert.True(await refused.RenewIfRefusedAsync(Stop, Start, logger, CancellationToken.None));
        Assert.False(await refused.RenewIfRefusedAsync(Stop, Start, logger, CancellationToken.None));
        Assert.Equal(["stop", "start", "start"], calls);
    }

    private sealed class StartCounter : IBusObserver
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void PostCreate(IBus bus)
        {
        }

        public void CreateFaulted(Exception exception)
        {
        }

        public Task PreStart(IBus bus) => Task.CompletedTask;

        public Task PostStart(IBus bus, Task<BusReady> busReady)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }

        public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

        public Task PreStop(IBus bus) => Task.CompletedTask;

        public Task PostStop(IBus bus) => Task.CompletedTask;

        public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
    }
}
