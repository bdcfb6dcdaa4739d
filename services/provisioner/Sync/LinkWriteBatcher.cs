using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Prometheus;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.ServiceDefaults.Tracing;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// Gathers the link writes of the messages this instance has in flight into POST /api/links/batch requests. Every new
/// user costs three link writes, and on the 2-core machines of the provisioning benchmark the config service spent most
/// of its CPU on the HTTP, authentication and routing work of each request rather than on the writes (docs/performance.md).
/// Nothing waits to fill a batch: a write goes out at once when a request slot is free, and the writes that arrive
/// while both slots are busy leave together in the next request. Each link keeps its own compare-and-set and its own
/// answer. A config service without the endpoint (older than the provisioner during an upgrade) gets single PUTs.
/// With tracing on, a request is sent in a "write links" span inside the trace of its first write, linked to the
/// traces of the others.
/// </summary>
public sealed class LinkWriteBatcher : IAsyncDisposable
{
    /// <summary>Requests in flight at once: one being answered while the next gathers.</summary>
    public const int RequestsInFlight = 2;

    /// <summary>The span a batch of link writes is sent in.</summary>
    public const string WriteSpan = "write links";

    /// <summary>The config service's limit per request (LinksApi.MaxBatch).</summary>
    private const int MaxBatch = 100;

    private static readonly Histogram BatchSize = Metrics.CreateHistogram(
        "adsync_provisioner_link_batch_size",
        "Link writes sent to the config service in one request (POST /api/links/batch).",
        new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 100] });

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots = new(RequestsInFlight, RequestsInFlight);
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<LinkWriteBatcher> _logger;
    private readonly Task _loop;
    private volatile bool _singlePuts;

    public LinkWriteBatcher(IServiceScopeFactory scopes, ILogger<LinkWriteBatcher> logger)
    {
        (_scopes, _logger) = (scopes, logger);
        // The loop outlives the message whose handling created it: it must not run inside that message's trace.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>What PUT /api/links/{directoryUserId} would answer for this link; throws when the request failed.</summary>
    public Task<LinkWriteResult> WriteAsync(TechnicianLink link, CancellationToken ct)
    {
        var pending = new Pending(link, new TaskCompletionSource<LinkWriteResult>(TaskCreationOptions.RunContinuationsAsynchronously),
            Activity.Current?.Context ?? default);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(LinkWriteBatcher));
        }
        // A cancelled caller stops waiting; a write already on its way is still carried out, as a single PUT would be.
        return pending.Result.Task.WaitAsync(ct);
    }

    private async Task RunAsync()
    {
        while (await _queue.Reader.WaitToReadAsync())
        {
            await _slots.WaitAsync();
            var batch = new List<Pending>();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            _ = SendAsync(batch);
        }
    }

    private async Task SendAsync(List<Pending> batch)
    {
        using var span = AdSyncActivitySource.Source.StartActivity(WriteSpan, ActivityKind.Internal, batch[0].Trace,
            links: batch.Skip(1).Where(p => p.Trace != default).Select(p => new ActivityLink(p.Trace)));
        span?.SetTag("adsync.link_count", batch.Count);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var config = scope.ServiceProvider.GetRequiredService<IConfigApi>();
            var results = _singlePuts ? null : await SendBatchAsync(config, batch);
            results ??= await Task.WhenAll(batch.Select(p => PutAsync(config, p.Link)));
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            foreach (var pending in batch)
            {
                pending.Result.TrySetException(ex);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>The batch's results, or null when the config service has no batch endpoint.</summary>
    private async Task<LinkWriteResult[]?> SendBatchAsync(IConfigApi config, List<Pending> batch)
    {
        BatchSize.Observe(batch.Count);
        var response = await config.PutLinksAsync([.. batch.Select(p => p.Link)]);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            _singlePuts = true;
            _logger.LinkBatchUnsupported();
            return null;
        }
        if (!response.IsSuccessStatusCode || response.Content is not { } results || results.Length != batch.Count)
        {
            throw new HttpRequestException($"Config service answered {(int?)response.StatusCode} storing {batch.Count} links.", response.Error);
        }

        return results;
    }

    /// <summary>One link in its own PUT, answered as the batch endpoint answers it.</summary>
    public static async Task<LinkWriteResult> PutAsync(IConfigApi config, TechnicianLink link, CancellationToken ct = default)
    {
        var response = await config.PutLinkAsync(link.DirectoryUserId, link, ct);
        if (response.StatusCode is not { } status)
        {
            throw new HttpRequestException($"The config service did not answer storing the link of {link.DirectoryUserId}.", response.Error);
        }

        return new LinkWriteResult(link.DirectoryUserId, (int)status,
            response.IsSuccessStatusCode ? null : ReasonOf((response.Error as Refit.ApiException)?.Content));
    }

    private static string? ReasonOf(string? problem)
    {
        if (string.IsNullOrEmpty(problem))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(problem);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("reason", out var reason)
                ? reason.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        for (var i = 0; i < RequestsInFlight; i++)
        {
            await _slots.WaitAsync();
        }

        _slots.Dispose();
    }

    /// <param name="Trace">The span the write was asked for in (default: none).</param>
    private sealed record Pending(TechnicianLink Link, TaskCompletionSource<LinkWriteResult> Result, ActivityContext Trace);
}
