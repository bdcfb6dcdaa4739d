using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Sync;

/// <summary>One mapping's cycle: read the members, diff against the last known state, publish, then store the new state.</summary>
public sealed class MappingSynchronizer(IReaderStateStore stateStore, IOptions<ReaderOptions> options, TimeProvider time, ILogger<MappingSynchronizer> logger)
{
    /// <summary>Returns the number of messages published. Throws <see cref="DirectoryReadException"/> before publishing anything if the directory cannot be read completely.</summary>
    public async Task<int> SyncAsync(IDirectorySession session, DirectoryKind kind, Mapping mapping, long highWaterMark,
        IPublishEndpoint publisher, Guid correlationId, CancellationToken cancellationToken)
    {
        var previous = await stateStore.LoadAsync(mapping.Id, cancellationToken);
        var now = time.GetUtcNow();
        var entries = session.ReadGroupMembers(mapping.SourceGroupDn, options.Value.NestedGroups);

        var members = new List<DirectoryUser>(entries.Count);
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (DirectoryUserMapper.TryMap(kind, entry, now, out var user, out var id, out var reason))
            {
                members.Add(user!);
                continue;
            }
            // Skipped, not dropped: a member whose entry is broken keeps its last known state instead of leaving.
            if (id is not null)
            {
                unreadable.Add(id);
            }
            logger.LogWarning("Mapping {MappingId}: skipped member {Dn}: {Reason}", mapping.Id, entry.DistinguishedName, reason);
        }
        // Duplicates cannot come from one search, but nested reads could return a user twice.
        members = members.DistinctBy(member => member.Id).ToList();

        var gone = MembershipDiff.Left(previous, members, unreadable)
            .Where(id => !session.UserExists(id))
            .ToHashSet(StringComparer.Ordinal);
        var diff = MembershipDiff.Compute(mapping.Id, mapping.SourceGroupDn, previous, members, unreadable, gone, highWaterMark, correlationId, now);

        foreach (var message in diff.Messages)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.PublishTimeoutSeconds));
            // MassTransit's RabbitMQ transport awaits the publisher confirm here, so a returned publish is a stored one.
            await publisher.Publish(message, timeout.Token);
            ReaderMetrics.MessagesPublished.Inc();
            ReaderMetrics.ChangesDetected.WithLabels(mapping.Id.ToString(), message.State.ToString()).Inc();
        }
        // Only now: if a publish failed, the next cycle sees the same differences and publishes them again.
        await stateStore.SaveAsync(diff.NewState, cancellationToken);
        if (diff.Messages.Count > 0)
        {
            logger.LogInformation("Mapping {MappingId}: {Members} members, published {Count} changes (correlation {CorrelationId}).",
                mapping.Id, members.Count, diff.Messages.Count, correlationId);
        }
        return diff.Messages.Count;
    }
}
