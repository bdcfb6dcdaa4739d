using MassTransit;
using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Consumers;
using RescueAdSync.Provisioner.Monitoring;
using RescueAdSync.Provisioner.Partitions;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.Provisioner.Sync;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner;

public static class ProvisionerExtensions
{
    public static IHostApplicationBuilder AddProvisioner(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProvisionerOptions>()
            .Bind(builder.Configuration.GetSection(ProvisionerOptions.Section))
            .PostConfigure(o => o.RedeliveryDelaysSeconds = ConfiguredArrays.ReplaceDefault(builder.Configuration,
                $"{ProvisionerOptions.Section}:{nameof(ProvisionerOptions.RedeliveryDelaysSeconds)}", o.RedeliveryDelaysSeconds))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddConfigClient();
        builder.AddOperationsClient();
        builder.Services.AddSingleton<Operations.ProvisionReporter>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SyncLogWriter>();
        builder.Services.AddSingleton<ConfigCache>();
        builder.Services.AddSingleton<IRescueCredentialsSource>(sp => sp.GetRequiredService<ConfigCache>());
        builder.Services.AddRescueClient();
        builder.Services.AddSingleton<TechnicianGroupCache>();
        builder.Services.AddSingleton<RescueAuthGate>();
        builder.Services.AddSingleton<LinkWriteBatcher>();
        builder.Services.AddSingleton<HistoryWriter>();
        builder.Services.AddScoped<LinkStore>();
        builder.Services.AddScoped<TechnicianClaimer>();
        builder.Services.AddScoped<TechnicianProvisioner>();
        builder.AddPreviewsClient();
        builder.Services.AddScoped<Previews.PreviewPlanner>();
        // Exported from the start, so an alert can tell "never failed" (0) from "no data".
        ProvisionerMetrics.RescueAuthFailing.Set(0);

        builder.Services.AddSingleton<PartitionMembership>();
        builder.Services.AddSingleton<ClassicQueueRetirement>();
        builder.Services.AddSingleton<PartitionTopology>();
        builder.Services.AddSingleton<InstanceConcurrencyLimit>();
        builder.Services.AddHostedService<PartitionAssigner>();

        builder.Services.AddReceiveObserver<UnreadableMessageObserver>();
        builder.AddMessaging(
            x =>
            {
                x.AddConsumer<UserChangedRouter>(typeof(UserChangedRouterDefinition));
                x.AddConsumer<UserChangedConsumer>(typeof(UserChangedConsumerDefinition)).ExcludeFromConfigureEndpoints();
                x.AddConsumer<Previews.PreviewReadConsumer>(typeof(Previews.PreviewReadConsumerDefinition));
                // Each instance hears every heartbeat on a queue of its own that goes away with it.
                x.AddConsumer<HeartbeatConsumer>().Endpoint(e =>
                {
                    e.Name = $"provisioner-heartbeat-{Guid.NewGuid():N}";
                    e.Temporary = true;
                });
            },
            (_, bus) => bus.SendTopology.ErrorQueueNameFormatter = new PartitionErrorQueueNameFormatter());
        builder.AddErrorQueueMonitor();
        return builder;
    }
}
