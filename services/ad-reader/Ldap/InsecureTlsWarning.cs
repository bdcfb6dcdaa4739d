namespace RescueAdSync.AdReader.Ldap;

/// <summary>Says loudly, at every start, that directory server certificates are not being checked.</summary>
public sealed class InsecureTlsWarning(ILogger<InsecureTlsWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("Reader:Tls:AllowInsecure is set: directory server certificates are NOT verified. Anyone on the path can read the bind password.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
