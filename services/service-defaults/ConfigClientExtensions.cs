using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Refit;

namespace RescueAdSync.ServiceDefaults;

/// <summary>The Refit clients of the config service, all on its URL and this service's API key (<see cref="ConfigServiceOptions"/>).</summary>
public static class ConfigClientExtensions
{
    /// <summary>
    /// One RefitSettings for every client instance. Without it each typed client (a new one per scope, i.e. per message)
    /// made its own settings, so its JSON serializer rebuilt the metadata of every type on every request, by reflection
    /// and with freshly compiled accessors: about a fifth of a provisioner's CPU during an initial sync
    /// (docs/performance.md).
    /// </summary>
    private static readonly RefitSettings Settings = new();

    /// <summary>Registers <see cref="IConfigApi"/>, authenticated with this service's API key.</summary>
    public static IHostApplicationBuilder AddConfigClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConfigServiceOptions>()
            .Bind(builder.Configuration.GetSection(ConfigServiceOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddRefitGeneratedClient<IConfigApi>(Settings).ConfigureHttpClient(OnConfigService(TimeSpan.FromSeconds(30)));
        return builder;
    }

    /// <summary>Registers <see cref="IOperationsApi"/> on the same config service and key as <see cref="IConfigApi"/> (call after AddConfigClient).</summary>
    public static IHostApplicationBuilder AddOperationsClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRefitGeneratedClient<IOperationsApi>(Settings).ConfigureHttpClient(OnConfigService(TimeSpan.FromSeconds(30)));
        return builder;
    }

    /// <summary>Registers <see cref="IPreviewsApi"/> on the same config service and key as <see cref="IConfigApi"/> (call after AddConfigClient).</summary>
    public static IHostApplicationBuilder AddPreviewsClient(this IHostApplicationBuilder builder)
    {
        // A large mapping's read is one body: more room than the small operations calls.
        builder.Services.AddRefitGeneratedClient<IPreviewsApi>(Settings).ConfigureHttpClient(OnConfigService(TimeSpan.FromSeconds(100)));
        return builder;
    }

    private static Action<IServiceProvider, HttpClient> OnConfigService(TimeSpan timeout) => (services, client) =>
    {
        var options = services.GetRequiredService<IOptions<ConfigServiceOptions>>().Value;
        client.BaseAddress = new Uri(options.Url);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        client.Timeout = timeout;
    };
}
