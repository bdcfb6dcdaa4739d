using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Trace;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.ServiceDefaults.Tracing;
using RescueAdSync.UnitTests.Reader;

namespace RescueAdSync.UnitTests.ServiceDefaults;

/// <summary>
/// Tracing as AddServiceDefaults wires it, in a host built from settings alone (no environment variables). Spans reach
/// the test through OpenTelemetry's own ConfigureOpenTelemetryTracerProvider, adding an in-memory exporter beside OTLP.
/// </summary>
public sealed class TracingTests
{
    // Nothing listens there: the OTLP exporter's attempts fail quietly in the background, which these tests ignore.
    private const string DeadCollector = "http://127.0.0.1:9";

    private static IHost Build(Dictionary<string, string?> settings, List<Activity> exported)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults("unit-test-service");
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported));
        builder.Services.AddHttpClient();
        return builder.Build();
    }

    /// <summary>A URL on 127.0.0.1 where nothing listens: the call fails at once, its span is still recorded. (Should
    /// another process take the port meanwhile, the call gets an answer instead, and its span is the same.)</summary>
    private static string ClosedPortUrl(string pathAndQuery)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}{pathAndQuery}";
    }

    private static async Task CallAsync(IHost host, string url)
    {
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        try
        {
            using var response = await client.GetAsync(url);
        }
        catch (HttpRequestException)
        {
            // Expected: nothing listens there.
        }
    }

    [Fact]
    public async Task Without_an_otlp_endpoint_there_is_no_tracer_provider_and_no_span_is_exported()
    {
        var exported = new List<Activity>();
        using var host = Build(new() { [TracingExtensions.EndpointSetting] = "" }, exported);
        await host.StartAsync();

        Assert.Null(host.Services.GetService<TracerProvider>());
        var url = ClosedPortUrl("/off");
        await CallAsync(host, url);
        using (AdSyncActivitySource.Source.StartActivity("off"))
        {
        }

        await host.StopAsync();
        Assert.DoesNotContain(exported, a => a.DisplayName == "off" || Equals(a.GetTagItem("url.full"), url));
    }

    [Fact]
    public async Task With_an_otlp_endpoint_our_spans_and_http_calls_are_traced_under_the_service_name()
    {
        var exported = new List<Activity>();
        using var host = Build(new() { [TracingExtensions.EndpointSetting] = DeadCollector }, exported);
        await host.StartAsync();

        var provider = host.Services.GetService<TracerProvider>();
        Assert.NotNull(provider);
        var url = ClosedPortUrl("/on");
        string? traceId;
        using (var span = AdSyncActivitySource.Source.StartActivity("on"))
        {
            traceId = AdSyncActivitySource.CurrentTraceId();
            await CallAsync(host, url);
        }

        await host.StopAsync();
        var ours = Assert.Single(exported, a => a.DisplayName == "on");
        var call = Assert.Single(exported, a => Equals(a.GetTagItem("url.full"), url));
        Assert.Equal(ours.TraceId.ToHexString(), traceId);
        Assert.Equal(ours.TraceId, call.TraceId);
        Assert.Equal(ours.SpanId, call.ParentSpanId);
        Assert.Equal("unit-test-service", provider.GetResource().Attributes.Single(a => a.Key == "service.name").Value);
    }

    [Fact]
    public async Task Http_spans_show_no_query_value_even_with_the_instrumentations_own_redaction_turned_off()
    {
        var exported = new List<Activity>();
        using var host = Build(new()
        {
            [TracingExtensions.EndpointSetting] = DeadCollector,
            ["OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION"] = "true",
        }, exported);
        await host.StartAsync();

        var url = ClosedPortUrl("/API/getUser_v3.aspx?authcode=s3cret-authcode&token=s3cret-token&s3cret-bare");
        await CallAsync(host, url);

        await host.StopAsync();
        var path = url[..url.IndexOf('?', StringComparison.Ordinal)];
        var call = Assert.Single(exported, a => a.GetTagItem("url.full") is string full && full.StartsWith(path, StringComparison.Ordinal));
        Assert.Equal($"{path}?authcode=Redacted&token=Redacted&Redacted", call.GetTagItem("url.full"));
        Assert.DoesNotContain(call.TagObjects, tag => tag.Value?.ToString()?.Contains("s3cret", StringComparison.Ordinal) == true);
        Assert.DoesNotContain("s3cret", call.DisplayName, StringComparison.Ordinal);
    }

    [Fact]
    public void An_endpoint_that_is_not_an_http_url_is_refused_at_start_naming_the_variable_but_not_its_value()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Build(new() { [TracingExtensions.EndpointSetting] = "collector-with-s3cret:4317" }, []));
        Assert.Contains(TracingExtensions.EndpointSetting, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sync_log_entry_written_inside_a_trace_carries_its_id_and_one_outside_none()
    {
        var recorder = SyncLogRecorder.Create();
        var writer = new SyncLogWriter((IConfigApi)(object)recorder, NullLogger<SyncLogWriter>.Instance);
        using var activity = new Activity("handle").SetIdFormat(ActivityIdFormat.W3C).Start();
        await writer.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Info, "provisioner", "createUser", "inside"));
        activity.Stop();
        Activity.Current = null;
        await writer.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Info, "provisioner", "createUser", "outside"));

        Assert.Equal(activity.TraceId.ToHexString(), recorder.Entries.Single(e => e.Message == "inside").TraceId);
        Assert.Null(recorder.Entries.Single(e => e.Message == "outside").TraceId);
    }
}
