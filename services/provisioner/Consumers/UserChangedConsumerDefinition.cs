using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Sync;

namespace RescueAdSync.Provisioner.Consumers;

/// <summary>
/// The one retry layer of the message path: exponential backoff with jitter inside MassTransit. The
/// Rescue client itself never retries, so one failure never multiplies calls. Exhausted retries and
/// unknown mappings end in the <c>user-changed_error</c> queue.
/// </summary>
public sealed class UserChangedConsumerDefinition : ConsumerDefinition<UserChangedConsumer>
{
    public UserChangedConsumerDefinition(IOptions<ProvisionerOptions> options)
    {
        EndpointName = "user-changed";
        ConcurrentMessageLimit = options.Value.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<UserChangedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<UnknownMappingException>();
            r.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300));
        });
    }
}
