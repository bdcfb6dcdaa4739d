using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts.Previews;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// The reader's part of a preview (dry run): after each cycle, reads every mapping a pending preview still needs (through
/// <see cref="MappingSynchronizer.PreviewAsync"/>: nothing published, no state moved) and stores the states a real cycle
/// would publish on the preview; the call that completes a preview asks a provisioner for the plan (<see cref="PreviewRead"/>).
/// A directory that cannot be read fails the preview with the reason.
/// </summary>
public sealed class PreviewReader(IPreviewsApi previews, MappingSynchronizer synchronizer, IOptions<ReaderOptions> options, ILogger<PreviewReader> logger)
{
    public async Task RunAsync(IDirectorySession session, ReaderConfiguration configuration, HighWaterMark mark, IPublishEndpoint publisher,
        Guid correlationId, CancellationToken cancellationToken)
    {
        foreach (var (preview, mapping) in await WorkAsync(configuration, cancellationToken))
        {
            PreviewMappingRead read;
            try
            {
                read = await synchronizer.PreviewAsync(session, configuration.Directory, mapping, mark, correlationId, cancellationToken);
            }
            catch (Exception ex) when (ex is DirectoryReadException or ReaderStateException)
            {
                read = new PreviewMappingRead([], 0, Scrub(ex.Message, configuration));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The config service (stored state) failed: the preview stays pending and is read again next cycle.
                logger.PreviewNotRead(preview, mapping.Id, ex.Message, ex);
                continue;
            }
            await StoreAsync(preview, mapping.Id, read, publisher, correlationId, cancellationToken);
        }
    }

    /// <summary>The directory cannot be bound: the previews waiting for it fail now with the reason, instead of timing out.</summary>
    public async Task FailAsync(ReaderConfiguration configuration, string error, Guid correlationId, CancellationToken cancellationToken)
    {
        foreach (var (preview, mapping) in await WorkAsync(configuration, cancellationToken))
        {
            await StoreAsync(preview, mapping.Id, new PreviewMappingRead([], 0, Scrub(error, configuration)), null, correlationId, cancellationToken);
        }
    }

    private async Task<List<(Guid Preview, Contracts.Config.Mapping Mapping)>> WorkAsync(ReaderConfiguration configuration, CancellationToken cancellationToken)
    {
        try
        {
            var pending = await previews.GetPendingAsync(cancellationToken);
            // Only this reader's mappings (its directory); another reader instance reads the others. A disabled mapping is
            // read for a preview too (checking a mapping before enabling it), never by a cycle.
            var mine = configuration.Mappings.Concat(configuration.DisabledMappings ?? []).ToList();
            return pending.SelectMany(p => p.MappingIds.Select(id => (p.Id, Mapping: mine.FirstOrDefault(m => m.Id == id))))
                .Where(w => w.Mapping is not null)
                .Select(w => (w.Id, w.Mapping!))
                .ToList();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.PendingPreviewsUnreadable(ex.Message, ex);
            return [];
        }
    }

    private async Task StoreAsync(Guid preview, Guid mappingId, PreviewMappingRead read, IPublishEndpoint? publisher, Guid correlationId,
        CancellationToken cancellationToken)
    {
        try
        {
            using var response = await previews.StoreMappingReadAsync(preview, mappingId, read, cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.RequestEntityTooLarge)
            {
                using var refused = await previews.StoreMappingReadAsync(preview, mappingId, new PreviewMappingRead([], 0,
                    $"The mapping's read ({read.Changes.Count} changes) is larger than the config service accepts for a preview."), cancellationToken);
                return;
            }
            if (!response.IsSuccessStatusCode)
            {
                logger.PreviewReadRefused(preview, mappingId, (int?)response.StatusCode);
                return;
            }
            logger.PreviewRead(preview, mappingId, read.Changes.Count, read.Unchanged, read.Error is null ? "" : $" (failed: {read.Error})");
            if (publisher is not null && response.Content?.Status == PreviewStatus.Read)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.PublishTimeoutSeconds));
                await publisher.PublishToQueueAsync(new PreviewRead(preview, correlationId), timeout.Token);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Stays pending (or Read): the config service fails it after its answer timeout if this keeps failing.
            logger.PreviewNotStored(preview, mappingId, ex.Message, ex);
        }
    }

    private static string Scrub(string message, ReaderConfiguration configuration) =>
        string.IsNullOrEmpty(configuration.Directory.BindPassword) ? message : message.Replace(configuration.Directory.BindPassword, "***", StringComparison.Ordinal);
}
