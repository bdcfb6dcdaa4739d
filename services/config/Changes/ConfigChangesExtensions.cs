using RescueAdSync.Config.Directories;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.ServiceDefaults.Ldap;

namespace RescueAdSync.Config;

public static class ConfigChangesExtensions
{
    /// <summary>
    /// Group-name resolution, and the ConfigChanged wake-up on RabbitMQ when RabbitMq:Host (or RabbitMq:Nodes) is configured (without it
    /// the other services notice changes by their ETag polls alone).
    /// </summary>
    public static IHostApplicationBuilder AddConfigChanges(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DomainControllerLocator>();
        builder.Services.AddSingleton<GroupNameResolver>();
        builder.Services.AddScoped<ConfigChangeNotifier>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{RabbitMqOptions.Section}:Host"])
            || !string.IsNullOrWhiteSpace(builder.Configuration[$"{RabbitMqOptions.Section}:Nodes"]))
        {
            builder.AddMessaging();
        }

        return builder;
    }
}
