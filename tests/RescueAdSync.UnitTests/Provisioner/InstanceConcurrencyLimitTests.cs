using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.Contracts;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Consumers;

namespace RescueAdSync.UnitTests.Provisioner;

/// <summary>
/// The provisioner's message limit holds for the instance, across every partition endpoint it consumes: each endpoint
/// alone would let 8 messages through at once here (as the definition's per-endpoint limit did, 16 × 16 in production).
/// </summary>
public sealed class InstanceConcurrencyLimitTests
{
    [Fact]
    public async Task Messages_on_several_endpoints_together_never_exceed_the_instance_limit()
    {
        const int limit = 3, endpoints = 4, messages = 40;
        using var instanceLimit = new InstanceConcurrencyLimit(Options.Create(new ProvisionerOptions { ConcurrentMessageLimit = limit }));
        var running = 0;
        var peak = 0;
        var handled = 0;
        var allHandled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = Bus.Factory.CreateUsingInMemory(cfg =>
        {
            for (var e = 0; e < endpoints; e++)
            {
                cfg.ReceiveEndpoint($"partition-{e}", endpoint =>
                {
                    endpoint.PrefetchCount = 8;
                    endpoint.ConcurrentMessageLimit = 8;
                    endpoint.Handler<UserChanged>(async _ =>
                    {
                        var now = Interlocked.Increment(ref running);
                        InterlockedMax(ref peak, now);
                        await Task.Delay(20);
                        Interlocked.Decrement(ref running);
                        if (Interlocked.Increment(ref handled) == messages)
                        {
                            allHandled.TrySetResult();
                        }
                    }, handler => handler.UseFilter(instanceLimit.Filter()));
                });
            }
        });
        await bus.StartAsync();
        try
        {
            var now = DateTimeOffset.UtcNow;
            var sends = Enumerable.Range(0, messages).Select(async i =>
            {
                var endpoint = await bus.GetSendEndpoint(new Uri($"queue:partition-{i % endpoints}"));
                await endpoint.Send(new UserChanged(Guid.NewGuid(), $"user-{i}", 1, $"User {i}", $"user{i}@example.org", UserState.Enabled,
                    $"cn=user{i}", now, Guid.NewGuid()));
            });
            await Task.WhenAll(sends);
            await allHandled.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await bus.StopAsync();
        }

        Assert.InRange(peak, 2, limit);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
