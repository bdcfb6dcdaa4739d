using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.Contracts;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Partitions;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Consumers;

/// <summary>
/// The consumer of the partition queues <c>user-changed-p0…</c> (see <see cref="UserChangedTopology"/>): durable quorum
/// queues with a single active consumer, shared among the instances by <see cref="PartitionAssigner"/>; errors go to
/// <c>user-changed_error</c>.
/// <para>
/// Ordering per user across instances (rule 9, docs/rules.md): a user's messages all go to one partition, the partition has one
/// active consumer, and inside that instance a partitioner keyed by the directory user id runs one message per user at a
/// time. So two versions of one user are never applied concurrently anywhere; a version that arrives after a newer one
/// was applied (redelivery after a crash, a retry overtaken) is dropped by the link's version, which the config service
/// stores with compare-and-set.
/// </para>
/// <para>
/// Retries live here only (the Rescue client never retries): first <see cref="ProvisionerOptions.ImmediateRetries"/> with
/// exponential backoff and jitter (MassTransit randomises each interval), then delayed redelivery through the wait
/// queues (<see cref="DelayedRedeliveryFilter"/>) for failures that outlast them (Rescue down for minutes). A message
/// whose delays ran out, or a poison message, goes to the error queue with the reason and a sync-log entry; an
/// authentication failure never uses retries at all (<see cref="RescueAuthGate"/>).
/// </para>
/// </summary>
public sealed class UserChangedConsumerDefinition : ConsumerDefinition<UserChangedConsumer>
{
    private readonly int _concurrency;
    private readonly ProvisionerOptions _options;

    /// <summary>Partitioner slots per message the instance runs at once (see <see cref="ConfigureConsumer"/>).</summary>
    public const int PartitionerSlotsPerMessage = 16;

    public UserChangedConsumerDefinition(IOptions<ProvisionerOptions> options)
    {
        _options = options.Value;
        // Not an endpoint of its own: PartitionAssigner connects this consumer to the partition queues this instance owns.
        EndpointName = "user-changed-partition";
        ConcurrentMessageLimit = _concurrency = options.Value.ConcurrentMessageLimit;
    }

    /// <summary>One partition queue's endpoint: shaped like <see cref="PartitionTopology"/> declared it, with this consumer.</summary>
    public static void ConfigurePartitionEndpoint(IReceiveEndpointConfigurator endpoint, IBusRegistrationContext context)
    {
        endpoint.ConfigureConsumeTopology = false;
        UnknownMessageTypeFilter.Configure(endpoint, context.GetRequiredService<SyncLogWriter>());
        endpoint.ConfigureConsumer<UserChangedConsumer>(context);
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<UserChangedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
            rabbit.SingleActiveConsumer = true;
            // A connected endpoint does not take the definition's limit as its prefetch by itself.
            rabbit.PrefetchCount = (ushort)_concurrency;
        }

        // Outermost: the instance-wide limit of messages at once (each partition queue is an endpoint of its own).
        var limit = context.GetRequiredService<InstanceConcurrencyLimit>();
        consumerConfigurator.Message<UserChanged>(m => m.UseFilter(limit.Filter()));
        // Next: a provision-on-demand message that ends in the error queue fails its request with the reason.
        consumerConfigurator.Message<UserChanged>(m => m.UseFilter(
            new Operations.ProvisionRequestFaultFilter(context.GetRequiredService<Operations.ProvisionReporter>())));
        // Then: what the immediate retries could not fix waits in a wait queue and comes back later.
        consumerConfigurator.Message<UserChanged>(m => m.UseFilter(
            new DelayedRedeliveryFilter(_options.RedeliveryDelaysSeconds, context.GetRequiredService<SyncLogWriter>())));
        consumerConfigurator.Message<UserChanged>(m => m.UseMessageRetry(r =>
        {
            r.Ignore<UnknownMappingException>();
            r.Ignore<InvalidUserChangedException>();
            if (_options.ImmediateRetries > 0)
            {
                r.Exponential(_options.ImmediateRetries, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300));
            }
            else
            {
                r.None();
            }
        }));
        // One message per user at a time. The partitioner hashes users onto slots, and two users on one slot wait for each
        // other; with only as many slots as messages in flight, such waits made a message take 246 ms instead of 229 ms in
        // the provisioning benchmark (docs/performance.md), so there are many more slots than messages.
        consumerConfigurator.Message<UserChanged>(m => m.UsePartitioner(_concurrency * PartitionerSlotsPerMessage, c => c.Message.DirectoryUserId ?? ""));
    }
}
