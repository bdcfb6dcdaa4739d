using RescueAdSync.Provisioner.Configuration;
using RescueAdSync.Provisioner.Consumers;
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
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddConfigClient();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SyncLogWriter>();
        builder.Services.AddSingleton<ConfigCache>();
        builder.Services.AddSingleton<IRescueCredentialsSource>(sp => sp.GetRequiredService<ConfigCache>());
        builder.Services.AddRescueClient();
        builder.Services.AddScoped<TechnicianProvisioner>();

        builder.AddMessaging(x => x.AddConsumer<UserChangedConsumer>(typeof(UserChangedConsumerDefinition)));
        return builder;
    }
}
