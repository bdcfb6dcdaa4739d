using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.ServiceDefaults.Tracing;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// Sends the history entries of outcomes that write no link (skipped, stale) to POST /api/history/batch, gathered like
/// <see cref="LinkWriteBatcher"/> gathers link writes: nothing waits to fill a batch, and the entries that arrive while a
/// request is on its way leave together in the next one. Every applied change's entry rides on its link write instead
/// (<see cref="TechnicianLink.History"/>), so this writer carries only the rarer outcomes. A caller waits for its entry
/// to be stored: when the config service cannot take it, the message fails and is redelivered, as for a link write.
/// </summary>
public sealed class HistoryWriter : IAsyncDisposable
{
    private const int MaxBatch = 100;

    /// <summary>The span a batch of history entries is sent in.</summary>
    public const string WriteSpan = "write history";

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<HistoryWriter> _logger;
    private readonly Task _loop;
    private volatile bool _unsupported;

    public HistoryWriter(IServiceScopeFactory scopes, ILogger<HistoryWriter> logger)
    {
        (_scopes, _logger) = (scopes, logger);
        // The loop outlives the message whose handling created it: it must not run inside that message's trace.
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>Completes when the entry is stored (or the config service has no history); throws when the request failed.</summary>
    public Task WriteAsync(NewHistoryEntry entry, CancellationToken ct)
    {
        if (_unsupported)
        {
            return Task.CompletedTask;
        }

        var pending = new Pending(entry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            Activity.Current?.Context ?? default);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(HistoryWriter));
        }

        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task RunAsync()
    {
        while (await _queue.Reader.WaitToReadAsync())
        {
            var batch = new List<Pending>();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await SendAsync(batch);
        }
    }

    private async Task SendAsync(List<Pending> batch)
    {
        // Like a link-write batch: in the trace of its first entry, linked to the others'.
        using var span = AdSyncActivitySource.Source.StartActivity(WriteSpan, ActivityKind.Internal, batch[0].Trace,
            links: batch.Skip(1).Where(p => p.Trace != default).Select(p => new ActivityLink(p.Trace)));
        span?.SetTag("adsync.entry_count", batch.Count);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var config = scope.ServiceProvider.GetRequiredService<IConfigApi>();
            var response = await config.AddHistoryAsync([.. batch.Select(p => p.Entry)]);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                // The history is a record for operators: a config service without it must not hold the sync up.
                _unsupported = true;
                _logger.HistoryBatchUnsupported();
            }
            else if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Config service answered {(int?)response.StatusCode} storing {batch.Count} history entries.", response.Error);
            }

            foreach (var pending in batch)
            {
                pending.Done.TrySetResult();
            }
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    /// <param name="Trace">The span the entry was written in (default: none).</param>
    private sealed record Pending(NewHistoryEntry Entry, TaskCompletionSource Done, ActivityContext Trace);
}
