using Microsoft.Extensions.Options;
using Prometheus;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Monitoring;

/// <summary>
/// Exports the number of messages waiting in each error queue (messages the provisioner gave up on after its
/// retries), read with a passive declare on its own connection. A queue that does not exist yet (MassTransit creates
/// it with the first failed message) counts as 0. While the broker cannot be reached the gauge keeps its last value
/// and <c>adsync_error_queue_depth_read_errors_total</c> grows.
/// </summary>
public sealed class ErrorQueueMonitor(IOptions<RabbitMqOptions> rabbit, IOptions<ErrorQueueMonitorOptions> options,
    TimeProvider time, ILogger<ErrorQueueMonitor> logger) : BackgroundService
{
    private const ushort NotFound = 404;

    public static readonly Gauge Depth = Metrics.CreateGauge(
        "adsync_error_queue_depth", "Messages waiting in an error queue (given up on after the retries).", "queue");

    private static readonly Counter ReadErrors = Metrics.CreateCounter(
        "adsync_error_queue_depth_read_errors_total", "Failed attempts to read an error queue's depth from the broker.");

    private IConnection? _connection;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var queue in options.Value.Queues)
            {
                try
                {
                    Depth.WithLabels(queue).Set(await ReadDepthAsync(queue, stoppingToken));
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    ReadErrors.Inc();
                    logger.QueueDepthUnreadable(queue, ex.Message, ex);
                    await DropConnectionAsync();
                }
            }
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<uint> ReadDepthAsync(string queue, CancellationToken cancellationToken)
    {
        _connection ??= await CreateConnectionAsync(cancellationToken);
        // A failed passive declare closes the channel, so each read gets its own (cheap, on the kept connection).
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return declared.MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == NotFound)
        {
            return 0;
        }
    }

    private Task<IConnection> CreateConnectionAsync(CancellationToken cancellationToken) =>
        rabbit.Value.CreateConnectionAsync("provisioner-error-queue-monitor", cancellationToken);

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception ex)
            {
                logger.MonitorConnectionCloseFailed(ex);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DropConnectionAsync();
    }
}
