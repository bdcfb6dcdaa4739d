using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Refit;

namespace RescueAdSync.ServiceDefaults;

public static class PreviewsClientExtensions
{
    /// <summary>Registers <see cref="IPreviewsApi"/> on the same config service and key as <see cref="IConfigApi"/> (call after AddConfigClient).</summary>
    public static IHostApplicationBuilder AddPreviewsClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRefitGeneratedClient<IPreviewsApi>()
            .ConfigureHttpClient((services, client) =>
            {
                var options = services.GetRequiredService<IOptions<ConfigServiceOptions>>().Value;
                client.BaseAddress = new Uri(options.Url);
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                // A large mapping's read is one body: more room than the small operations calls.
                client.Timeout = TimeSpan.FromSeconds(100);
            });
        return builder;
    }
}
