using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.Contracts;
using RescueAdSync.Provisioner.Consumers;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Partitions;

/// <summary>
/// The <c>user-changed</c> endpoint: the durable quorum queue the reader's messages arrive in, with a single active
/// consumer across all instances (forwarding is cheap; one router keeps the order), one message per user at a time.
/// </summary>
public sealed class UserChangedRouterDefinition : ConsumerDefinition<UserChangedRouter>
{
    private readonly int _concurrency;

    public UserChangedRouterDefinition(IOptions<ProvisionerOptions> options)
    {
        EndpointName = UserChangedTopology.RouterQueue;
        ConcurrentMessageLimit = _concurrency = Math.Max(16, options.Value.ConcurrentMessageLimit * 2);
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<UserChangedRouter> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
            rabbit.SingleActiveConsumer = true;
            rabbit.PrefetchCount = (ushort)Math.Min(ushort.MaxValue, _concurrency * 2);
        }

        UnknownMessageTypeFilter.Configure(endpointConfigurator, context.GetRequiredService<SyncLogWriter>());
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<InvalidUserChangedException>();
            r.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300));
        });
        consumerConfigurator.Message<UserChanged>(m => m.UsePartitioner(_concurrency, c => c.Message.DirectoryUserId ?? ""));
    }
}
