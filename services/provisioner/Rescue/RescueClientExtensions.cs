using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RescueAdSync.Provisioner.Rescue;

public static class RescueClientExtensions
{
    /// <summary>
    /// Registers <see cref="IRescueClient"/>. The caller registers <see cref="IRescueCredentialsSource"/>.
    /// The named HttpClient has a timeout but no retry handler: retries live in MassTransit redelivery only.
    /// </summary>
    public static IServiceCollection AddRescueClient(this IServiceCollection services)
    {
        services.AddHttpClient(RescueClient.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRescueClient, RescueClient>();
        return services;
    }
}
