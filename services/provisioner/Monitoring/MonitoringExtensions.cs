namespace RescueAdSync.Provisioner.Monitoring;

public static class MonitoringExtensions
{
    /// <summary>The error-queue depth gauge (<see cref="ErrorQueueMonitor"/>).</summary>
    public static IHostApplicationBuilder AddErrorQueueMonitor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ErrorQueueMonitorOptions>()
            .Bind(builder.Configuration.GetSection(ErrorQueueMonitorOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<ErrorQueueMonitor>();
        return builder;
    }
}
