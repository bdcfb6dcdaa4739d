using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Refit;

namespace RescueAdSync.ServiceDefaults;

public static class OperationsClientExtensions
{
    /// <summary>Registers <see cref="IOperationsApi"/> on the same config service and key as <see cref="IConfigApi"/> (call after AddConfigClient).</summary>
    public static IHostApplicationBuilder AddOperationsClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRefitGeneratedClient<IOperationsApi>()
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
