using Microsoft.Extensions.Options;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// Fetches the configuration every cycle so that edits take effect without a restart, and keeps the last known one
/// while the config service is unreachable: an outage of the config service must not stop the sync. Serves the
/// directory connection named by Reader:Directory and its enabled mappings, in priority order (its disabled ones apart,
/// for previews only).
/// </summary>
public sealed class ReaderConfigurationSource(IConfigApi configApi, ILogger<ReaderConfigurationSource> logger,
    IOptions<ReaderOptions> options, ReaderAttributeSet attributes)
{
    private ReaderConfiguration? _last;

    private string DirectoryName => options.Value.Directory ?? Contracts.Config.DirectoryNames.Default;

    /// <summary>The fresh configuration, else the last known one, else null (nothing to do yet).</summary>
    public async Task<ReaderConfiguration?> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var directory = await configApi.GetDirectoryAsync(DirectoryName, cancellationToken);
            var mappings = await configApi.GetMappingsAsync(cancellationToken);
            var ofThisDirectory = mappings
                .Where(mapping => string.Equals(mapping.Directory, DirectoryName, StringComparison.OrdinalIgnoreCase))
                .OrderBy(mapping => mapping.Priority)
                .ToList();
            var mine = ofThisDirectory.Where(mapping => mapping.Enabled).ToList();
            var disabled = ofThisDirectory.Where(mapping => !mapping.Enabled).ToList();
            // A preview of a disabled mapping reads its name and email attributes too.
            attributes.Update(directory, ofThisDirectory);
            _last = new ReaderConfiguration(directory, mine, disabled);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.ConfigServiceUnanswered(DirectoryName, ex.Message, _last is null ? "nothing to read until it does" : "using the last known configuration", ex);
        }
        return _last;
    }
}
