using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader.Leadership;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.ServiceDefaults.Tracing;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// The poll loop: every PollIntervalSeconds, bind, read the high-water mark, then run each enabled mapping. A failure
/// stops only the mapping it concerns (or all of them, for a bind failure) and never publishes anything for it.
/// Only the holder of the leader lease reads; a follower waits, and a cycle running when the lease is lost is
/// cancelled at once (what it already published stays published: at-least-once, the new leader starts from the
/// last stored state).
/// </summary>
public sealed class ReaderWorker(
    ReaderConfigurationSource configurationSource,
    IDirectoryConnector connector,
    MappingSynchronizer synchronizer,
    SyncLogReporter syncLog,
    ReaderHealth health,
    LeaderElector elector,
    IReaderStateStore stateStore,
    IServiceScopeFactory scopeFactory,
    IOptions<ReaderOptions> options,
    ILogger<ReaderWorker> logger,
    CycleTrigger wakeUp,
    OnDemandProvisioning onDemand,
    PreviewReader previews,
    RefusedPublishes refused,
    IBusControl bus,
    TimeProvider time) : BackgroundService
{
    /// <summary>How often a follower looks whether it became leader; short, so a takeover starts reading at once.</summary>
    private static readonly TimeSpan FollowerPoll = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(1);

    /// <summary>The span of one reader cycle.</summary>
    public const string CycleSpan = "reader cycle";

    private int _bindFailures;
    private int _term;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // LDAP calls block; leave the host's start-up path before the first one.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var leadership = elector.LeadershipToken;
            if (leadership.IsCancellationRequested)
            {
                if (!await DelayAsync(FollowerPoll, stoppingToken, stoppingToken))
                {
                    return;
                }
                continue;
            }
            if (elector.Term != _term)
            {
                // Another leader may have written the state while this process followed.
                _term = elector.Term;
                stateStore.Invalidate();
            }

            using var cycle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leadership);
            using var scope = logger.BeginScope(new Dictionary<string, object> { ["LeaseHolder"] = elector.Holder, ["Leader"] = true });
            var interval = TimeSpan.FromSeconds(options.Value.StartupPollIntervalSeconds);
            try
            {
                interval = await RunCycleAsync(cycle.Token) ?? interval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (leadership.IsCancellationRequested)
            {
                logger.CycleAbandoned(elector.LeaseName);
                continue;
            }
            catch (Exception ex)
            {
                // A bug in one cycle must not end the loop: the next cycle starts from the last stored state.
                logger.CycleFailed(ex);
            }
            await RenewBrokerConnectionIfRefusedAsync(stoppingToken);
            if (!await DelayAsync(interval, cycle.Token, stoppingToken, wakeUp))
            {
                return;
            }
        }
    }

    /// <summary>After a publish the broker refused, a new connection for the next poll (<see cref="RefusedPublishes"/>).</summary>
    private async Task RenewBrokerConnectionIfRefusedAsync(CancellationToken stoppingToken)
    {
        try
        {
            await refused.RenewIfRefusedAsync(bus, logger, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The start is tried again after the next poll, whose publishes fail, and are kept, meanwhile.
            logger.CycleFailed(ex);
        }
    }

    /// <summary>Waits; false when the host is stopping. Losing the lease only cuts the wait short.</summary>
    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken wait, CancellationToken stoppingToken, CycleTrigger? wakeUp = null)
    {
        try
        {
            if (wakeUp is null)
            {
                await Task.Delay(delay, time, wait);
                return !stoppingToken.IsCancellationRequested;
            }
            // A change notification (ChangeNotificationListener) or a ConfigChanged message cuts the wait short; the
            // cycle still decides what changed, and the poll interval stays the fallback. At most one early cycle per
            // second, however busy the directory is.
            var gap = delay < MinimumGap ? delay : MinimumGap;
            await Task.Delay(gap, time, wait);
            using var waited = CancellationTokenSource.CreateLinkedTokenSource(wait);
            await Task.WhenAny(Task.Delay(delay - gap, time, waited.Token), wakeUp.WaitAsync(waited.Token));
            await waited.CancelAsync();
        }
        catch (OperationCanceledException)
        {
        }
        return !stoppingToken.IsCancellationRequested;
    }

    /// <summary>
    /// Runs one cycle over every mapping; returns the configured poll interval, or null before any configuration.
    /// The whole poll (configuration refresh, bind, high-water mark, every mapping) is timed in
    /// <see cref="ReaderMetrics.PollDuration"/>; each mapping's part in <see cref="ReaderMetrics.CycleDuration"/>.
    /// With tracing on, the cycle is one span (<see cref="CycleSpan"/>) and the root of every publish it makes.
    /// </summary>
    public async Task<TimeSpan?> RunCycleAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var polled = true;
        // A root of its own: nothing the worker did before belongs to this cycle's trace.
        Activity.Current = null;
        using var span = AdSyncActivitySource.Source.StartActivity(CycleSpan);
        try
        {
            var interval = await PollAsync(cancellationToken);
            // Null: no configuration yet, nothing was polled.
            polled = interval is not null;
            return interval;
        }
        catch (Exception ex) when (span is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            if (polled)
            {
                ReaderMetrics.PollDuration.Observe(time.GetElapsedTime(started).TotalSeconds);
                health.PollEnded();
            }
        }
    }

    private async Task<TimeSpan?> PollAsync(CancellationToken cancellationToken)
    {
        var configuration = await configurationSource.RefreshAsync(cancellationToken);
        if (configuration is null)
        {
            return null;
        }
        var directory = configuration.Directory;
        var interval = TimeSpan.FromSeconds(Math.Max(1, directory.PollIntervalSeconds));
        var correlationId = Guid.NewGuid();
        Activity.Current?.SetTag("adsync.correlation_id", correlationId.ToString());
        string[] secrets = [directory.BindPassword];

        IDirectorySession session;
        HighWaterMark highWaterMark;
        try
        {
            session = connector.Connect(directory);
            health.BindSucceeded(session.ServerUrl);
            _bindFailures = 0;
        }
        catch (DirectoryReadException ex)
        {
            health.BindFailed(ex.Message);
            await FailAllAsync(configuration, "bind", ex.Message, correlationId, secrets, cancellationToken);
            await previews.FailAsync(configuration, ex.Message, correlationId, cancellationToken);
            // Every server refused or is down: hammering them every poll helps nobody.
            return Backoff.Delay(interval, ++_bindFailures, TimeSpan.FromSeconds(options.Value.MaxBackoffSeconds));
        }
        using (session)
        {
            try
            {
                highWaterMark = session.ReadHighWaterMark();
            }
            catch (DirectoryReadException ex)
            {
                await FailAllAsync(configuration, "read-high-water-mark", ex.Message, correlationId, secrets, cancellationToken);
                return interval;
            }

            await using var scope = scopeFactory.CreateAsyncScope();
            var publisher = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
            // In priority order (the configuration source sorts them): the first mapping by priority owns a shared user.
            var claims = await PriorityClaims.LoadAsync(configuration.Mappings, stateStore, cancellationToken);
            foreach (var mapping in configuration.Mappings)
            {
                var label = mapping.Id.ToString();
                var mappingStarted = time.GetTimestamp();
                try
                {
                    await synchronizer.SyncAsync(session, directory, mapping, highWaterMark, publisher, correlationId, cancellationToken, claims);
                    await onDemand.RunAsync(session, directory, mapping, publisher, correlationId, cancellationToken, claims);
                    syncLog.Recovered(mapping.Id);
                    WatermarkMetrics.Succeeded(label, time.GetUtcNow());
                }
                catch (DirectoryReadException ex)
                {
                    ReaderMetrics.CycleErrors.WithLabels(label).Inc();
                    await syncLog.ReportAsync(mapping.Id, "read-group", ex.Message, correlationId, secrets, cancellationToken);
                }
                catch (ReaderStateException ex)
                {
                    ReaderMetrics.CycleErrors.WithLabels(label).Inc();
                    await syncLog.ReportAsync(mapping.Id, "reader-state", ex.Message, correlationId, secrets, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Broker or config service down, a publish not confirmed in time: the mark has not moved, so the next
                    // cycle finds the same changes again.
                    ReaderMetrics.CycleErrors.WithLabels(label).Inc();
                    await syncLog.ReportAsync(mapping.Id, "publish", $"Publishing changes failed: {refused.Describe(ex)}", correlationId, secrets, cancellationToken);
                }
                finally
                {
                    ReaderMetrics.CycleDuration.WithLabels(label).Observe(time.GetElapsedTime(mappingStarted).TotalSeconds);
                }
            }
            await previews.RunAsync(session, configuration, highWaterMark, publisher, correlationId, cancellationToken);
        }
        return interval;
    }

    private async Task FailAllAsync(ReaderConfiguration configuration, string operation, string message, Guid correlationId,
        string[] secrets, CancellationToken cancellationToken)
    {
        foreach (var mapping in configuration.Mappings)
        {
            ReaderMetrics.CycleErrors.WithLabels(mapping.Id.ToString()).Inc();
            await syncLog.ReportAsync(mapping.Id, operation, message, correlationId, secrets, cancellationToken);
        }
    }
}
