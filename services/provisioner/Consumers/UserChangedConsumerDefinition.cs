using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.Contracts;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Sync;

namespace RescueAdSync.Provisioner.Consumers;

/// <summary>
/// The <c>user-changed</c> endpoint: a durable quorum queue (replicated, survives a broker node), kebab-case, with an
/// error queue <c>user-changed_error</c> for poison and for messages whose retries ran out.
/// <para>
/// Ordering per user across instances (SPEC rule 9): the queue has a <b>single active consumer</b>, and inside that
/// instance a partitioner keyed by the directory user id runs one message per user at a time. So two versions of one
/// user are never applied concurrently anywhere; a version that arrives after a newer one was applied (redelivery
/// after a crash, a retry overtaken) is dropped by the link's version, which the config service stores with
/// compare-and-set. The other instances are hot standbys that take over within seconds when the active one dies.
/// Throughput is bounded by the Rescue API's rate limit for one organization anyway, not by consumers. Partitioning
/// across instances with the consistent-hash exchange would need the reader to publish with the user id as routing
/// key; until then a compare-and-set alone could not stop an older setUser_v2 landing after a newer one.
/// </para>
/// <para>
/// Retries live here only (the Rescue client never retries): exponential backoff with jitter (MassTransit randomises
/// each interval). No delayed redelivery: in RabbitMQ it needs the delayed-message-exchange plugin (or an external
/// scheduler), which Debian's rabbitmq-server and the stock image lack; a message whose retries ran out goes to the
/// error queue with the reason and a sync-log entry, and an authentication failure never uses retries at all
/// (<see cref="RescueAuthGate"/>).
/// </para>
/// </summary>
public sealed class UserChangedConsumerDefinition : ConsumerDefinition<UserChangedConsumer>
{
    private readonly int _partitions;

    public UserChangedConsumerDefinition(IOptions<ProvisionerOptions> options)
    {
        EndpointName = "user-changed";
        ConcurrentMessageLimit = _partitions = options.Value.ConcurrentMessageLimit;
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
        }

        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<UnknownMappingException>();
            r.Ignore<InvalidUserChangedException>();
            r.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300));
        });
        consumerConfigurator.Message<UserChanged>(m => m.UsePartitioner(_partitions, c => c.Message.DirectoryUserId ?? ""));
    }
}
