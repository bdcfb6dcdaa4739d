using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Refit;

namespace RescueAdSync.ServiceDefaults;

public static class ConfigClientExtensions
{
    /// <summary>Registers <see cref="IConfigApi"/>, authenticated with this service's API key.</summary>
    public static IHostApplicationBuilder AddConfigClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConfigServiceOptions>()
            .Bind(builder.Configuration.GetSection(ConfigServiceOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddRefitGeneratedClient<IConfigApi>()
            .ConfigureHttpClient((services, client) =>
            {
                var options = services.GetRequiredService<IOptions<ConfigServiceOptions>>().Value;
                client.BaseAddress = new Uri(options.Url);
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                client.Timeout = TimeSpan.FromSeconds(30);
            });
        return builder;
    }
}
