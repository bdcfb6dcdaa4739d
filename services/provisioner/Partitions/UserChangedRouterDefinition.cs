using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.Contracts;
using RescueAdSync.Provisioner.Consumers;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Partitions;

/// <summary>
/// The <c>user-changed</c> endpoint: a durable quorum queue, not bound to the reader's exchange (the reader's messages go
/// straight to the partitions, see <see cref="PartitionTopology"/>), for messages an operator moves back from the error
/// queue. A single active consumer across all instances and one message per user at a time keep their order.
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
        // MassTransit would bind the queue to the UserChanged exchange: every message would then be routed twice.
        endpointConfigurator.ConfigureConsumeTopology = false;
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
