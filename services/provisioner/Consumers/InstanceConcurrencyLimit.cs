using MassTransit;
using Prometheus;
using Microsoft.Extensions.Options;
using RescueAdSync.Contracts;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Sync;

namespace RescueAdSync.Provisioner.Consumers;

/// <summary>
/// <see cref="ProvisionerOptions.ConcurrentMessageLimit"/> for the whole instance. Every partition queue this instance
/// consumes is an endpoint of its own, and a consumer definition's limit applies per endpoint: without this, an instance
/// owning all 16 partitions ran up to 16 × 16 messages at once, and the config service's single SQLite writer spent more
/// time in lock waits than in writing (docs/performance.md, provisioner finding 5).
/// </summary>
public sealed class InstanceConcurrencyLimit(IOptions<ProvisionerOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.ConcurrentMessageLimit, options.Value.ConcurrentMessageLimit);

    public IFilter<ConsumeContext<UserChanged>> Filter() => new LimitFilter(this);

    public void Dispose() => _slots.Dispose();

    private sealed class LimitFilter(InstanceConcurrencyLimit limit) : IFilter<ConsumeContext<UserChanged>>
    {
        public async Task Send(ConsumeContext<UserChanged> context, IPipe<ConsumeContext<UserChanged>> next)
        {
            await limit._slots.WaitAsync(context.CancellationToken);
            ProvisionerMetrics.MessagesInFlight.Inc();
            try
            {
                using (ProvisionerMetrics.MessageDuration.NewTimer())
                {
                    await next.Send(context);
                }
            }
            finally
            {
                ProvisionerMetrics.MessagesInFlight.Dec();
                limit._slots.Release();
            }
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("instanceConcurrencyLimit");
    }
}
