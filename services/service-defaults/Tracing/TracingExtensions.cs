using MassTransit.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RescueAdSync.ServiceDefaults.Tracing;

/// <summary>
/// OpenTelemetry tracing, exported over OTLP. Off unless <see cref="EndpointSetting"/> is set (as an environment
/// variable or a configuration key of that name): then no tracer provider exists and nothing listens to any
/// ActivitySource.
/// </summary>
public static class TracingExtensions
{
    /// <summary>The OTLP collector's URL, the standard OpenTelemetry variable; empty or absent means tracing is off.</summary>
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Overrides the service.name a service reports under (standard OpenTelemetry variable).</summary>
    public const string ServiceNameSetting = "OTEL_SERVICE_NAME";

    /// <summary>Whether the configuration turns tracing on; throws when the endpoint is set but not an http(s) URL.</summary>
    public static bool IsEnabled(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var endpoint = configuration[EndpointSetting];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return false;
        }

        // The value is not repeated: a collector URL may carry credentials.
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException(
                $"{EndpointSetting} must be an absolute http:// or https:// URL of an OTLP collector (e.g. http://otel-collector:4317), or empty to turn tracing off.");
        }

        return true;
    }

    /// <summary>
    /// Traces this service as <paramref name="serviceName"/> when <see cref="EndpointSetting"/> is set: ASP.NET Core
    /// requests (not the health and metrics probes), HttpClient calls with their query values redacted, MassTransit's
    /// send and consume (which carry the W3C trace context in the message headers) and our own spans.
    /// </summary>
    public static IHostApplicationBuilder AddTracing(this IHostApplicationBuilder builder, string serviceName)
    {
        if (!IsEnabled(builder.Configuration))
        {
            return builder;
        }

        var name = builder.Configuration[ServiceNameSetting] is { Length: > 0 } configured ? configured : serviceName;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(name))
            .WithTracing(tracing => tracing
                .AddSource(AdSyncActivitySource.Name, DiagnosticHeaders.DefaultListenerName)
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.Filter = context => !IsProbe(context.Request.Path);
                    options.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.QueryString.HasValue)
                        {
                            activity.SetTag("url.query", UrlRedaction.RedactQuery(request.QueryString.Value!));
                        }
                    };
                })
                .AddHttpClientInstrumentation(options =>
                {
                    // The instrumentation redacts query values by default, but an environment variable can turn that
                    // off: ours cannot be.
                    options.EnrichWithHttpRequestMessage = (activity, request) =>
                    {
                        if (request.RequestUri is { } uri)
                        {
                            activity.SetTag("url.full", UrlRedaction.Redact(uri));
                        }
                    };
                })
                .AddOtlpExporter());
        return builder;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
}
