using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using RescueAdSync.AdReader.Ldap;
using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.ServiceDefaults;
using RescueAdSync.ServiceDefaults.Tracing;

namespace RescueAdSync.AdReader.Sync;

/// <summary>
/// One mapping's cycle: find what changed since the last stored high-water mark, diff it against the last known
/// state, publish, then store the new state. Reads in full on the first cycle, when the group itself changed, when the
/// mark is not comparable (another DC, a restore), for nested mappings, and for the periodic reconciliation;
/// otherwise reads only the users changed since the mark.
/// </summary>
public sealed partial class MappingSynchronizer(IReaderStateStore stateStore, IOptions<ReaderOptions> options, TimeProvider time, ILogger<MappingSynchronizer> logger,
    SyncLogReporter syncLog, MassChangeGuard guard, FullResync resync)
{
    /// <summary>The span of one UserChanged publish, inside the cycle's.</summary>
    public const string PublishSpan = "publish UserChanged";

    private readonly DirSyncChangeFeed _dirSync = new(logger);
    private readonly UnsettledChanges _unsettled = new();
    private readonly GroupChecks _groupChecks = new();

    /// <summary>Returns the number of messages published. Throws <see cref="DirectoryReadException"/> before publishing anything if the directory cannot be read completely.</summary>
    /// <param name="claims">The cycle's priority claims across mappings (null: this mapping alone, no priority rule).</param>
    public async Task<int> SyncAsync(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, HighWaterMark mark,
        IPublishEndpoint publisher, Guid correlationId, CancellationToken cancellationToken, PriorityClaims? claims = null)
    {
        var previous = await stateStore.LoadAsync(mapping.Id, cancellationToken);
        // A held mapping keeps its users: a lower-priority mapping must not take them over while an operator decides.
        claims?.ClaimLastKnown(mapping, previous);
        if (guard.IsHeld(mapping))
        {
            return 0;
        }
        var now = time.GetUtcNow();
        var unsettled = _unsettled.For(mapping.Id);
        var nested = mapping.Nested;
        var rules = AttributeRules(mapping);

        var comparable = previous is not null
            && previous.Mark.ServerIdentity == mark.ServerIdentity
            && previous.Mark.Version <= mark.Version
            && previous.NestedGroups == nested
            && previous.AttributeRules == rules
            && DistinguishedNames.AreEqual(previous.SourceGroupDn, mapping.SourceGroupDn);
        var facts = new CycleFacts(
            HasState: previous is not null,
            Comparable: comparable,
            ResyncRequested: FullResync.Requested(mapping),
            ReconcileDue: previous is not null
                && now - previous.LastFullReadAt >= TimeSpan.FromMinutes(options.Value.ReconcileMinutes ?? directory.ReconcileMinutes),
            Nested: nested,
            MarkMoved: previous is null || previous.Mark.Version != mark.Version,
            GroupChanged: false,
            // A higher mapping handed users over, or newly claims one of ours: look again even if the directory is unchanged.
            HandoversPending: claims?.HandoversPending ?? false,
            ClaimedByHigher: claims?.AnyClaimedByHigher(mapping, previous) ?? false,
            Unsettled: unsettled is not null);
        if (CyclePlan.MayBeIdle(facts) && _groupChecks.IsFresh(session, directory, mapping, mark, now))
        {
            // Nothing at all was written to the directory since the group was last read (GroupChecks).
            return 0;
        }
        // A group that disappeared must be reported, not ignored: read it whenever anything was written, and at least
        // every GroupChecks.Interval when nothing was.
        long groupVersion;
        try
        {
            groupVersion = session.ReadGroupVersion(mapping.SourceGroupDn);
        }
        catch
        {
            _groupChecks.Forget(mapping.Id);
            throw;
        }
        _groupChecks.Read(session, directory, mapping, mark, now);
        var plan = CyclePlan.Decide(facts with { GroupChanged = previous is not null && groupVersion > previous.Mark.Version });
        if (plan.Kind == CycleKind.Idle)
        {
            return 0;
        }
        var full = plan.Kind == CycleKind.Full;
        // Run also before a full read, for the cookie; its changes are used only when they follow a stored cookie
        // (the first round reports every user, which a full read does better).
        var dirSync = _dirSync.Read(session, directory, comparable ? previous!.DirSyncCookie : null, options.Value.DirSync && !nested, now);
        var feed = previous?.DirSyncCookie is not null ? dirSync : null;
        var read = full ? null : ReadChanges(session, directory, mapping, previous!, now, feed);
        if (read is null)
        {
            if (!full)
            {
                logger.DeletionsUnknown(mapping.Id);
            }
            full = true;
            read = ReadFull(session, directory, mapping, previous, now, nested);
        }
        var known = previous?.Users;
        if (claims is not null)
        {
            (read, known) = ApplyPriority(session, directory.Kind, mapping, claims, read, previous, mark.Version);
        }

        // Rule 8 of docs/rules.md: a member the reader refuses is the MAH's business too, not only this process's log.
        foreach (var skipped in read.Skipped)
        {
            await syncLog.ReportSkippedMemberAsync(mapping.Id, skipped.Id, skipped.DistinguishedName, skipped.DisplayName, skipped.Email,
                skipped.Reason, correlationId, cancellationToken);
        }

        var diff = MembershipDiff.Compute(mapping.Id, known, read.Members, read.Unreadable, read.Gone, mark.Version, correlationId, now);
        if (unsettled is not null)
        {
            diff = UnsettledChanges.Republish(mapping.Id, diff, unsettled, read.Members, read.Unreadable, mark.Version, correlationId, now);
        }
        if (await guard.HoldsAsync(mapping, known, diff.Messages, correlationId, cancellationToken))
        {
            return 0; // Rule 10 of docs/rules.md: nothing published, the state stays where it was for the operator's decision.
        }
        var outgoing = FullResync.Messages(mapping, diff, correlationId, now);
        if (full)
        {
            CycleMemory.ReadDone(read.Members.Count);
        }
        try
        {
            await PublishAllAsync(publisher, mapping, outgoing, cancellationToken);
            // Only now: if a publish failed, the mark has not moved and the next cycle finds the same changes again.
            await stateStore.SaveAsync(new MappingState(mapping.Id, mapping.SourceGroupDn, nested, mark, diff.Users,
                full ? now : previous!.LastFullReadAt, now, rules, dirSync is null ? null : Convert.ToBase64String(dirSync.Cookie)), cancellationToken);
        }
        catch
        {
            // Some of these may have reached the provisioner although the stored state predates them.
            _unsettled.Failed(mapping.Id, outgoing);
            throw;
        }
        _unsettled.Settled(mapping.Id);
        claims?.Claim(mapping, diff.Users);
        await guard.CycleCompletedAsync(mapping, cancellationToken);
        await resync.CompletedAsync(mapping, outgoing.Count, cancellationToken);
        if (diff.Messages.Count > 0)
        {
            logger.MappingRead(mapping.Id, full ? "full" : feed is null ? "incremental" : "DirSync",
                plan.Reason == FullReadReason.None ? "" : $" ({plan.Reason})", diff.Messages.Count, correlationId);
        }
        return outgoing.Count;
    }

    /// <summary>
    /// Publishes every message with at most <see cref="ReaderOptions.MaxPublishesInFlight"/> awaiting their confirm,
    /// and returns only when all are confirmed; throws the first failure after every started publish has ended, so
    /// the caller never saves the state for a cycle with an unconfirmed message.
    /// </summary>
    private async Task PublishAllAsync(IPublishEndpoint publisher, Mapping mapping, IReadOnlyList<UserChanged> messages, CancellationToken cancellationToken)
    {
        var mappingLabel = mapping.Id.ToString();
        // Ends the remaining publishes once one failed: the cycle fails anyway, and the next one publishes them again.
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var window = new SemaphoreSlim(options.Value.MaxPublishesInFlight);
        var pending = new List<Task>();
        // Messages for one user must reach the broker in order. A cycle has at most one per user today; should that
        // change, a repeated user waits until everything started before it is confirmed.
        var started = new HashSet<string>(StringComparer.Ordinal);
        Exception? firstFailure = null;
        var first = true;
        var count = 0;

        async Task PublishOneAsync(UserChanged message)
        {
            // A child of the cycle's span; MassTransit's send span below it carries the trace to the provisioner.
            using var span = AdSyncActivitySource.Source.StartActivity(PublishSpan, ActivityKind.Internal);
            span?.SetTag("adsync.mapping_id", message.MappingId.ToString());
            span?.SetTag("adsync.directory_user_id", message.DirectoryUserId);
            span?.SetTag("adsync.version", message.Version);
            span?.SetTag("adsync.state", message.State.ToString());
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.PublishTimeoutSeconds));
                // MassTransit's RabbitMQ transport completes this task on the publisher confirm, so a completed
                // publish is a stored one; concurrent publishes share the channel and their confirms are pipelined.
                await publisher.PublishToQueueAsync(message, timeout.Token);
                ReaderMetrics.MessagesPublished.Inc();
                ReaderMetrics.ChangesDetected.WithLabels(mappingLabel, message.State.ToString()).Inc();
            }
            catch (Exception ex)
            {
                span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                // The first failure is the cause; publishes cancelled by the abort below are only its consequence.
                Interlocked.CompareExchange(ref firstFailure, ex, null);
                await abort.CancelAsync();
            }
            finally
            {
                window.Release();
            }
        }

        try
        {
            foreach (var message in messages)
            {
                if (!started.Add(message.DirectoryUserId))
                {
                    await Task.WhenAll(pending);
                    started.Clear();
                    started.Add(message.DirectoryUserId);
                }
                await window.WaitAsync(abort.Token);
                CycleMemory.Publishing(count++);
                if (pending.Count >= 4 * options.Value.MaxPublishesInFlight)
                {
                    // Confirmed ones need not be kept (they never throw: failures are recorded above).
                    pending.RemoveAll(task => task.IsCompleted);
                }
                var publish = PublishOneAsync(message);
                pending.Add(publish);
                if (first)
                {
                    first = false;
                    // The first publish alone: it absorbs MassTransit's one-time work (send endpoint, exchange
                    // declaration, channel); publishes started meanwhile overtook it (seen in the reader integration
                    // tests, which expect a cycle in version order). Afterwards they reach the broker in call order.
                    // Only the order per user is needed for correctness, and that holds regardless (see above).
                    await publish;
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // A publish failed or the cycle was cancelled: stop starting new ones and report below.
        }
        // Every started publish ends (confirmed, failed or cancelled) before this returns, so none outlives the cycle.
        await Task.WhenAll(pending);
        if (firstFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The mapping's name/email attribute choice, stored with the state: a change needs a full read.</summary>
    private static string AttributeRules(Mapping mapping) => $"{mapping.NameAttribute}|{mapping.EmailAttribute}";

    /// <summary>
    /// Drops members a higher mapping claims, and forgets (without a message) known users who went to another mapping:
    /// claimed by a higher one, or still in a lower one's group (handed over: the lower mappings then read in full).
    /// </summary>
    private static (ReadResult Read, IReadOnlyDictionary<string, KnownUser>? Known) ApplyPriority(IDirectorySession session, DirectoryKind kind,
        Mapping mapping, PriorityClaims claims, ReadResult read, MappingState? previous, long highWaterMark)
    {
        var members = read.Members
            .Where(member => !claims.IsClaimedByHigher(mapping, member.Id))
            .Select(member => MovedHere(mapping, claims, member, previous, highWaterMark))
            .ToList();
        if (previous is null)
        {
            return (read with { Members = members }, null);
        }
        var present = members.Select(member => member.Id).ToHashSet(StringComparer.Ordinal);
        var known = new Dictionary<string, KnownUser>(previous.Users, StringComparer.Ordinal);
        foreach (var user in previous.Users.Values.Where(user => user.InScope && !present.Contains(user.Id)
            && !read.Unreadable.Contains(user.Id) && !read.Gone.Contains(user.Id)))
        {
            if (claims.IsClaimedByHigher(mapping, user.Id))
            {
                known.Remove(user.Id);
            }
            else if (claims.IsInLowerMapping(session, kind, mapping, user.Id))
            {
                known.Remove(user.Id);
                claims.HandedOver();
            }
        }
        return (read with { Members = members }, known);
    }

    /// <summary>
    /// A user new to this mapping whom another mapping published before gets a version above that one: the provisioner
    /// drops a message whose version is not higher than the last one applied to the user (and in AD, joining a group
    /// does not change the user's own uSNChanged).
    /// </summary>
    private static DirectoryUser MovedHere(Mapping mapping, PriorityClaims claims, DirectoryUser member, MappingState? previous, long highWaterMark)
    {
        if (previous?.Users.TryGetValue(member.Id, out var own) == true && own.InScope)
        {
            return member;
        }
        var elsewhere = claims.LastPublishedElsewhere(mapping, member.Id);
        return elsewhere is null || member.Version > elsewhere.Version
            ? member
            : member with { Version = MembershipDiff.NextVersion(member.Version, elsewhere, highWaterMark) };
    }

    private ReadResult ReadFull(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, MappingState? previous, DateTimeOffset now, bool nested)
    {
        var kind = directory.Kind;
        var members = new Dictionary<string, DirectoryUser>(StringComparer.Ordinal);
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        var skipped = new List<SkippedMember>();
        var entries = 0;
        foreach (var entry in session.ReadGroupMembers(mapping.SourceGroupDn, nested))
        {
            Accept(directory, mapping, entry, now, members, unreadable, skipped);
            CycleMemory.Read(++entries);
        }
        var gone = MembershipDiff.Left(previous?.Users, members.Values, unreadable)
            .Where(id => !session.UserExists(id))
            .ToHashSet(StringComparer.Ordinal);
        return new ReadResult(members.Values, unreadable, gone, skipped);
    }

    /// <summary>The incremental read; null when the directory cannot tell what was deleted, so a full read must do.</summary>
    private ReadResult? ReadChanges(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, MappingState previous, DateTimeOffset now,
        DirSyncChanges? feed)
    {
        // Deletes first: if they cannot be read, nothing else needs to be.
        var deleted = feed is not null ? [.. feed.DeletedIds] : session.ReadDeletedUserIds(previous.Mark);
        if (deleted is null)
        {
            return null;
        }
        // Start from what is known to be in scope, then apply what changed since the mark.
        var members = previous.Users.Values
            .Where(user => user.InScope)
            .ToDictionary(user => user.Id, user => new DirectoryUser(user.Id, user.Text, user.State, user.Version),
                StringComparer.Ordinal);
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        var skipped = new List<SkippedMember>();
        foreach (var entry in feed is not null ? session.ReadUsersByIds(feed.ChangedIds) : session.ReadChangedUsers(previous.Mark))
        {
            if (DistinguishedNames.IsInScope(entry, mapping.SourceGroupDn, directory.BaseDn)
                || ListedWithoutMemberOf(session, directory, mapping, entry, members))
            {
                Accept(directory, mapping, entry, now, members, unreadable, skipped);
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
        return new ReadResult(members.Values, unreadable, gone, skipped);
    }

    /// <summary>
    /// A member known in scope whose changed entry lacks the group in its memberOf: it has left only if the group's own
    /// member values no longer list it. OpenLDAP's memberof overlay writes memberOf after the group, in a separate
    /// operation, so a slapd stopped in between leaves a listed member without it (the full read returns such members;
    /// see <see cref="IDirectorySession.ReadGroupMembers"/>). Asked only for known members, so it costs one base search
    /// per such change, not per changed user.
    /// </summary>
    private static bool ListedWithoutMemberOf(IDirectorySession session, DirectoryConnectionSettings directory, Mapping mapping, LdapEntry entry,
        Dictionary<string, DirectoryUser> members) =>
        directory.Kind != DirectoryKind.ActiveDirectory
        && DirectoryUserMapper.ReadId(directory.Kind, entry) is { } id
        && members.ContainsKey(id)
        && DistinguishedNames.IsUnder(entry.DistinguishedName, directory.BaseDn)
        && session.IsListedMember(mapping.SourceGroupDn, entry.DistinguishedName);

    private void Accept(DirectoryConnectionSettings directory, Mapping mapping, LdapEntry entry, DateTimeOffset now, Dictionary<string, DirectoryUser> members,
        HashSet<string> unreadable, List<SkippedMember> skipped)
    {
        var kind = directory.Kind;
        if (DirectoryUserMapper.TryMap(kind, entry, now, out var user, out var id, out var reason, directory.DisabledAttribute,
            mapping.NameAttribute, mapping.EmailAttribute))
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
        logger.MemberSkipped(mapping.Id, entry.DistinguishedName, reason);
        var (name, email) = DirectoryUserMapper.NameAndEmail(entry, mapping.NameAttribute, mapping.EmailAttribute);
        skipped.Add(new SkippedMember(id, entry.DistinguishedName, reason ?? "unreadable entry", name, email));
    }

    private sealed record SkippedMember(string? Id, string DistinguishedName, string Reason, string DisplayName, string Email);

    private sealed record ReadResult(IReadOnlyCollection<DirectoryUser> Members, IReadOnlySet<string> Unreadable, IReadOnlySet<string> Gone,
        IReadOnlyList<SkippedMember> Skipped);
}
