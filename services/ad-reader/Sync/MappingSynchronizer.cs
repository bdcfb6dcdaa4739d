using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// One mapping's cycle: find what changed since the last stored high-water mark, diff it against the last known
/// state, publish, then store the new state. Reads in full on the first cycle, when the group itself changed, when the
/// mark is not comparable (another DC, a restore), for nested mappings, and for the periodic reconciliation;
/// otherwise reads only the users changed since the mark.
/// </summary>
public sealed class MappingSynchronizer(IReaderStateStore stateStore, IOptions<ReaderOptions> options, TimeProvider time, ILogger<MappingSynchronizer> logger)
{
    /// <summary>Returns the number of messages published. Throws <see cref="DirectoryReadException"/> before publishing anything if the directory cannot be read completely.</summary>
    public async Task<int> SyncAsync(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, HighWaterMark mark,
        IPublishEndpoint publisher, Guid correlationId, CancellationToken cancellationToken)
    {
        var previous = await stateStore.LoadAsync(mapping.Id, cancellationToken);
        var now = time.GetUtcNow();
        var nested = options.Value.NestedGroups;
        // Read every cycle, also when nothing changed: a group that disappeared must be reported, not ignored.
        var groupVersion = session.ReadGroupVersion(mapping.SourceGroupDn);

        var comparable = previous is not null
            && previous.Mark.ServerIdentity == mark.ServerIdentity
            && previous.Mark.Version <= mark.Version
            && previous.NestedGroups == nested
            && DistinguishedNames.AreEqual(previous.SourceGroupDn, mapping.SourceGroupDn);
        var reconcile = previous is null || now - previous.LastFullReadAt >= TimeSpan.FromMinutes(options.Value.ReconcileMinutes);
        if (comparable && !reconcile && previous!.Mark.Version == mark.Version)
        {
            // Nothing at all was written to the directory since the last cycle.
            return 0;
        }
        var full = !comparable || reconcile || nested || groupVersion > previous!.Mark.Version;
        var read = full ? null : ReadChanges(session, directory, mapping, previous!, now);
        if (read is null)
        {
            full = true;
            read = ReadFull(session, directory.Kind, mapping, previous, now, nested);
        }

        var diff = MembershipDiff.Compute(mapping.Id, previous?.Users, read.Members, read.Unreadable, read.Gone, mark.Version, correlationId, now);
        foreach (var message in diff.Messages)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.PublishTimeoutSeconds));
            // MassTransit's RabbitMQ transport awaits the publisher confirm here, so a returned publish is a stored one.
            await publisher.Publish(message, timeout.Token);
            ReaderMetrics.MessagesPublished.Inc();
            ReaderMetrics.ChangesDetected.WithLabels(mapping.Id.ToString(), message.State.ToString()).Inc();
        }
        // Only now: if a publish failed, the mark has not moved and the next cycle finds the same changes again.
        await stateStore.SaveAsync(new MappingState(mapping.Id, mapping.SourceGroupDn, nested, mark, diff.Users,
            full ? now : previous!.LastFullReadAt, now), cancellationToken);
        if (diff.Messages.Count > 0)
        {
            logger.LogInformation("Mapping {MappingId}: {Mode} read, published {Count} changes (correlation {CorrelationId}).",
                mapping.Id, full ? "full" : "incremental", diff.Messages.Count, correlationId);
        }
        return diff.Messages.Count;
    }

    private ReadResult ReadFull(IDirectorySession session, DirectoryKind kind, Mapping mapping, MappingState? previous, DateTimeOffset now, bool nested)
    {
        var members = new Dictionary<string, DirectoryUser>(StringComparer.Ordinal);
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in session.ReadGroupMembers(mapping.SourceGroupDn, nested))
        {
            Accept(kind, mapping, entry, now, members, unreadable);
        }
        var gone = MembershipDiff.Left(previous?.Users, members.Values, unreadable)
            .Where(id => !session.UserExists(id))
            .ToHashSet(StringComparer.Ordinal);
        return new ReadResult(members.Values, unreadable, gone);
    }

    /// <summary>The incremental read; null when the directory cannot tell what was deleted, so a full read must do.</summary>
    private ReadResult? ReadChanges(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, MappingState previous, DateTimeOffset now)
    {
        // Deletes first: if they cannot be read, nothing else needs to be.
        var deleted = session.ReadDeletedUserIds(previous.Mark);
        if (deleted is null)
        {
            return null;
        }
        // Start from what is known to be in scope, then apply what changed since the mark.
        var members = previous.Users.Values
            .Where(user => user.InScope)
            .ToDictionary(user => user.Id, user => new DirectoryUser(user.Id, user.DistinguishedName, user.DisplayName, user.Email, user.State, user.Version),
                StringComparer.Ordinal);
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in session.ReadChangedUsers(previous.Mark))
        {
            if (DistinguishedNames.IsInScope(entry, mapping.SourceGroupDn, directory.BaseDn))
            {
                Accept(directory.Kind, mapping, entry, now, members, unreadable);
            }
            else if (DirectoryUserMapper.ReadId(directory.Kind, entry) is { } id)
            {
                // Changed and no longer under the base DN or in the group: moved out of scope.
                members.Remove(id);
            }
        }
        var gone = deleted.ToHashSet(StringComparer.Ordinal);
        foreach (var id in gone)
        {
            members.Remove(id);
        }
        return new ReadResult(members.Values, unreadable, gone);
    }

    private void Accept(DirectoryKind kind, Mapping mapping, LdapEntry entry, DateTimeOffset now, Dictionary<string, DirectoryUser> members, HashSet<string> unreadable)
    {
        if (DirectoryUserMapper.TryMap(kind, entry, now, out var user, out var id, out var reason, options.Value.OpenLdapDisabledAttribute))
        {
            // Nested reads can return a user twice; the id decides.
            members[user!.Id] = user;
            return;
        }
        // Skipped, not dropped: a member whose entry is broken keeps its last known state instead of leaving.
        if (id is not null)
        {
            unreadable.Add(id);
        }
        logger.LogWarning("Mapping {MappingId}: skipped member {Dn}: {Reason}", mapping.Id, entry.DistinguishedName, reason);
    }

    private sealed record ReadResult(IReadOnlyCollection<DirectoryUser> Members, IReadOnlySet<string> Unreadable, IReadOnlySet<string> Gone);
}
