using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Fetches the configuration every cycle so that edits take effect without a restart, and keeps the last known one
/// while the config service is unreachable: an outage of the config service must not stop the sync.
/// </summary>
public sealed class ReaderConfigurationSource(IConfigApi configApi, ILogger<ReaderConfigurationSource> logger)
{
    private ReaderConfiguration? _last;

    /// <summary>The fresh configuration, else the last known one, else null (nothing to do yet).</summary>
    public async Task<ReaderConfiguration?> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var directory = await configApi.GetDirectoryAsync(cancellationToken);
            var mappings = await configApi.GetMappingsAsync(cancellationToken);
            _last = new ReaderConfiguration(directory, mappings.Where(mapping => mapping.Enabled).ToList());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The config service did not answer ({Error}); {Fallback}.", ex.Message,
                _last is null ? "nothing to read until it does" : "using the last known configuration");
        }
        return _last;
    }
}
