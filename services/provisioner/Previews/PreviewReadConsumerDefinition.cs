using MassTransit;

namespace RescueAdSync.Provisioner.Previews;

/// <summary>
/// The preview endpoint <c>preview-requests</c>: a durable quorum queue (a classic queue would tie the provisioner to one
/// node of a cluster), any instance computes a plan. Only a config-service failure is thrown (planning errors fail the
/// preview itself): it is retried a few times.
/// </summary>
public sealed class PreviewReadConsumerDefinition : ConsumerDefinition<PreviewReadConsumer>
{
    public const string Queue = "preview-requests";

    /// <summary>The classic queue of older installations, retired at start (<see cref="Partitions.ClassicQueueRetirement"/>).</summary>
    public const string LegacyQueue = "preview-read";

    public PreviewReadConsumerDefinition() => EndpointName = Queue;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<PreviewReadConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQuorumQueue();
        }

        consumerConfigurator.UseMessageRetry(r => r.Intervals(1000, 5000, 15000));
    }
}
