using Microsoft.EntityFrameworkCore;
using Prometheus;
using RescueAdSync.Config.Data;
using RescueAdSync.Contracts;

namespace RescueAdSync.Config.Monitoring;

/// <summary>
/// <c>adsync_technicians{state}</c>: technicians the sync created or linked, by the status it last applied in Rescue
/// (<c>enabled</c>; <c>disabled</c> for users disabled, deleted or out of scope in the directory), counted from the
/// links table every <see cref="RefreshInterval"/>. Technicians the sync does not manage are not counted.
/// </summary>
public sealed class TechnicianMetrics(IServiceScopeFactory scopes, TimeProvider time, ILogger<TechnicianMetrics> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(15);

    private static readonly Gauge Technicians = Metrics.CreateGauge(
        "adsync_technicians", "Technicians linked to directory users, by the status the sync last applied (enabled, disabled).", "state");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, time);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The database not created yet or briefly unreachable: the gauge keeps its value until the next tick.
                logger.TechnicianCountFailed(exception.Message, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConfigDbContext>();
        var counts = await db.Links.AsNoTracking()
            .GroupBy(link => link.State)
            .Select(group => new { State = group.Key, Count = group.Count() })
            .ToListAsync(cancellationToken);
        var enabled = counts.Where(c => c.State == UserState.Enabled).Sum(c => c.Count);
        var disabled = counts.Where(c => c.State != UserState.Enabled).Sum(c => c.Count);
        Technicians.WithLabels("enabled").Set(enabled);
        Technicians.WithLabels("disabled").Set(disabled);
    }
}
