namespace RescueAdSync.Provisioner.Monitoring;

public static class MonitoringExtensions
{
    /// <summary>The error-queue depth gauge (<see cref="ErrorQueueMonitor"/>).</summary>
    public static IHostApplicationBuilder AddErrorQueueMonitor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ErrorQueueMonitorOptions>()
            .Bind(builder.Configuration.GetSection(ErrorQueueMonitorOptions.Section))
            .PostConfigure(o => o.Queues = Configuration.ConfiguredArrays.ReplaceDefault(builder.Configuration,
                $"{ErrorQueueMonitorOptions.Section}:{nameof(ErrorQueueMonitorOptions.Queues)}", o.Queues))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<ErrorQueueMonitor>();
        return builder;
    }
}
