using MassTransit;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config;

/// <summary>
/// Publishes <see cref="ConfigChanged"/> after a write when the service has a message bus (RabbitMq:Host set). A wake-up
/// only: the write is already stored, so a broker that is down costs the other services their ETag-poll interval,
/// never the change itself; the failure is logged, not returned to the admin.
/// </summary>
public sealed class ConfigChangeNotifier(IServiceProvider services, TimeProvider time, ILogger<ConfigChangeNotifier> logger)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);

    public async Task NotifyAsync(string resource, string? name, CancellationToken cancellationToken)
    {
        var publisher = services.GetService<IPublishEndpoint>();
        if (publisher is null)
        {
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PublishTimeout);
            await publisher.Publish(new ConfigChanged(resource, name, time.GetUtcNow()), timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.ConfigChangedNotPublished(resource, ex.Message, ex);
        }
    }
}
