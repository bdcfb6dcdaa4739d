namespace RescueAdSync.AdReader.Leadership;

/// <summary>
/// Renews the lease while leading and tries to take it while following. Registered before the reader's poll loop, so
/// on shutdown the loop stops first and the lease is released only after the last cycle has ended.
/// </summary>
public sealed class LeaderElectionService(LeaderElector elector, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await elector.RenewAsync(stoppingToken);
                await Task.Delay(elector.RenewInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await elector.ReleaseAsync(timeout.Token);
    }
}
