using MassTransit;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Receives <see cref="ConfigChanged"/> on a queue of this process's own (every replica must hear it; the queue goes
/// away with the process). A wake-up only: the loop then fetches the configuration like every poll.
/// </summary>
public sealed class ConfigChangedConsumer(CycleTrigger wakeUp, ILogger<ConfigChangedConsumer> logger) : IConsumer<ConfigChanged>
{
    public Task Consume(ConsumeContext<ConfigChanged> context)
    {
        logger.ConfigurationChanged(context.Message.Resource, context.Message.Name);
        wakeUp.Signal();
        return Task.CompletedTask;
    }
}
