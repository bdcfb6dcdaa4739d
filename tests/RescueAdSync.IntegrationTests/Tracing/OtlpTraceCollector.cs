using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RescueAdSync.TestInfrastructure;

namespace RescueAdSync.IntegrationTests.Tracing;

/// <summary>
/// An OTLP/HTTP trace receiver on 127.0.0.1, standing in for an OpenTelemetry collector: the services are started
/// with OTEL_EXPORTER_OTLP_ENDPOINT pointing here, exactly as an operator turns tracing on, and every span they
/// export is kept for the test to read.
/// </summary>
public sealed class OtlpTraceCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ExportedSpan> _spans = new();

    private OtlpTraceCollector(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The value for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces).</summary>
    public string Url { get; }

    public IReadOnlyCollection<ExportedSpan> Spans => _spans;

    /// <summary>The environment that turns tracing on in a service and exports to this collector promptly.</summary>
    public Dictionary<string, string?> ServiceEnvironment() => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Url,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        // The batch processor's default is 5 s: the test would only wait longer.
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    public static async Task<OtlpTraceCollector> StartAsync()
    {
        var url = $"http://127.0.0.1:{Ports.GetFree()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var collector = new OtlpTraceCollector(app, url);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var span in OtlpTraceDecoder.Decode(body.ToArray()))
            {
                collector._spans.Enqueue(span);
            }

            // An empty ExportTraceServiceResponse: everything accepted.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return collector;
    }

    /// <summary>Waits until the spans received satisfy <paramref name="done"/>; the failure lists what did arrive.</summary>
    public async Task<IReadOnlyList<ExportedSpan>> WaitForAsync(Func<IReadOnlyList<ExportedSpan>, bool> done, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var spans = _spans.ToArray();
            if (done(spans))
            {
                return spans;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Spans never showed {what}. Received {spans.Length}:\n{string.Join("\n", spans.TakeLast(60))}");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
