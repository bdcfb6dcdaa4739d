using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Prometheus;
using RescueAdSync.ServiceDefaults.Tracing;

namespace RescueAdSync.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>Tag of the health checks that make up /health/ready (dependencies, not the process itself).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// The only .NET meter republished on /metrics: the runtime's (GC, heap, thread pool, JIT). prometheus-net
    /// republishes every meter by default, and the per-request ones (HttpClient, ASP.NET Core, Kestrel, MassTransit) cost
    /// a labelled histogram update on every call and message — a measurable share of a provisioner's CPU during an initial
    /// sync (docs/performance.md) — for series our own metrics already give (http_request_duration_seconds,
    /// adsync_rescue_request_duration_seconds, adsync_provisioner_message_duration_seconds).
    /// </summary>
    public const string RepublishedMeter = "System.Runtime";

    /// <param name="serviceName">The service.name its spans carry when tracing is on (<see cref="TracingExtensions"/>).</param>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.AddTracing(serviceName);
        // A keytab mounted into the container (a Kubernetes secret) for Kerberos binds; it wins over a stored one.
        if (builder.Configuration["Directory:KeytabFile"] is { Length: > 0 } keytabFile)
        {
            Ldap.KerberosEnvironment.KeytabFile = keytabFile;
        }
        // The Kerberos ticket lifetime asked of the KDC, e.g. 00:05:00; unset: the KDC's (10 hours on Active Directory).
        if (builder.Configuration["Directory:KerberosTicketLifetime"] is { Length: > 0 } lifetime)
        {
            Ldap.KerberosEnvironment.TicketLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture);
        }
        Prometheus.Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = instrument => instrument.Meter.Name == RepublishedMeter);
        // Event counters likewise: the runtime's event source only (system_runtime_*). By default prometheus-net also
        // listens to Kestrel's, ASP.NET Core hosting's and System.Net's, whose series appear some seconds after start.
        Prometheus.Metrics.ConfigureEventCounterAdapter(options => options.EventSourceFilterPredicate = source => source == RepublishedMeter);
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);
        return builder;
    }

    /// <summary>
    /// /health/live answers while the process runs ("restart me" otherwise); /health/ready checks the
    /// dependencies tagged <see cref="ReadyTag"/>; /metrics serves Prometheus. Mapped in every environment.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseHttpMetrics();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapMetrics();
        return app;
    }
}
