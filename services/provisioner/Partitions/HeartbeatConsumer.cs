using MassTransit;

namespace RescueAdSync.Provisioner.Partitions;

public sealed class HeartbeatConsumer(PartitionMembership membership) : IConsumer<ProvisionerHeartbeat>
{
    public Task Consume(ConsumeContext<ProvisionerHeartbeat> context)
    {
        membership.Heard(context.Message.InstanceId);
        return Task.CompletedTask;
    }
}
