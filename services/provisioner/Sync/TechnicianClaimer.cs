using RescueAdSync.Contracts;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Provisioner.Rescue;
using RescueAdSync.ServiceDefaults;

namespace RescueAdSync.Provisioner.Sync;

/// <summary>
/// Gives a user who has no technician yet one, without ever making two. createUser is not idempotent and its answer
/// can be lost (a crash, a reset connection, a timeout) after Rescue made the technician, so:
/// <list type="number">
/// <item>the link first records the intent (<see cref="TechnicianLink.CreatePendingSince"/>; written while Rescue is
/// searched for the user's email), then createUser runs, then the new node is claimed in the link;</item>
/// <item>a user whose link still shows the intent was interrupted in between: before creating anything, it claims an
/// empty technician (no email: createUser's own, since it takes nothing but the parent group) in the mapping's group.
/// Empty technicians are interchangeable, and the config service refuses a technician to a second link, so two users
/// never share one: a user whose fresh technician was claimed first by such a recovery takes the recoverer's orphan.</item>
/// </list>
/// A crash at any point therefore ends, after the redelivery, with exactly one technician per user and none left empty.
/// </summary>
public sealed class TechnicianClaimer(IRescueClient rescue, LinkStore links, SyncLogWriter syncLog, TimeProvider clock, ILogger<TechnicianClaimer> logger)
{
    public const string TechnicianType = "Technician";

    public async Task<TechnicianClaim> ClaimAsync(UserChanged change, Mapping mapping, TechnicianLink? link, CancellationToken ct)
    {
        // An enabled user without a technician almost always gets a new one, so the intent is written while Rescue is asked
        // for a technician with the user's email: one config-service round trip fewer before createUser. When one is found,
        // its claim below replaces the intent. (A user whose link already shows an intent recovers first, see below.)
        var intentWrite = change.State == UserState.Enabled && link?.CreatePendingSince is null
            ? links.PutAsync(Claim(change, mapping, link, node: null, pending: clock.GetUtcNow()), ct)
            : null;
        RescueTechnician? existing;
        try
        {
            existing = await rescue.FindByEmailAsync(change.Email, ct);
        }
        catch when (intentWrite is not null)
        {
            // Never leave the write running unobserved; the message is retried, and a stored intent is harmless.
            await intentWrite.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
        if (intentWrite is not null && await intentWrite != LinkWrite.Stored)
            return Lost(change);

        // Rule 5 of docs/rules.md: a technician with the same email is linked to, not duplicated. Claimed before it is written to,
        // so a technician another user already holds is never changed.
        if (existing is not null)
        {
            switch (await links.PutAsync(Claim(change, mapping, link, existing.NodeId, pending: null), ct))
            {
                case LinkWrite.Stored:
                    return TechnicianClaim.Linked(existing.NodeId, existing);
                case LinkWrite.LinkedElsewhere:
                    await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Error, "provisioner", "link",
                        $"Technician {existing.NodeId} has this user's email but is already linked to another directory user; " +
                        "two directory users share one email address. Nothing was changed; correct the mail in the directory.",
                        change.MappingId, change.DirectoryUserId, "EMAIL_LINKED_TO_OTHER_USER", false, change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email), ct);
                    // Nothing was created: the intent written above must not send this user's next change looking for orphans.
                    if (intentWrite is not null && await links.PutAsync(Claim(change, mapping, link, node: null, pending: null), ct) != LinkWrite.Stored)
                        return Lost(change);
                    return TechnicianClaim.Finished(ProvisioningResult.Skipped,
                        $"Technician {existing.NodeId} has this user's email but is linked to another directory user: two users share one email.");
                default:
                    return Lost(change);
            }
        }

        if (link?.CreatePendingSince is not null && await AdoptOrphanAsync(change, mapping, link, ct) is { } adopted)
            return adopted;

        if (change.State != UserState.Enabled)
        {
            // Nothing to disable and no licence to spend, but the version is recorded, in a link without a technician, so
            // that an older Enabled version redelivered later is recognised as stale instead of creating one.
            // The history entry rides on that link write (stored only if the link is).
            var skipped = HistoryEntries.Skipped(change,
                $"The user has no technician and is not enabled (the user was {HistoryEntries.DisabledBecause(change.State)}): nothing to disable, no licence spent.");
            var write = await links.PutAsync(new TechnicianLink(change.DirectoryUserId, mapping.Id, null, change.Version, change.State,
                clock.GetUtcNow(), link?.CreatePendingSince, skipped), ct);
            return write == LinkWrite.Stored
                ? TechnicianClaim.Finished(ProvisioningResult.Skipped, reason: null)
                : TechnicianClaim.Finished(ProvisioningResult.Stale, "A newer version of the user was applied meanwhile: this change was dropped.");
        }

        // After a recovery that found no orphan the intent is written again (with the time of this attempt).
        if (intentWrite is null && await links.PutAsync(Claim(change, mapping, link, node: null, pending: clock.GetUtcNow()), ct) != LinkWrite.Stored)
            return Lost(change);
        var created = await rescue.CreateUserAsync(mapping.TechnicianGroupId, ct);
        switch (await links.PutAsync(Claim(change, mapping, link, created, pending: null), ct))
        {
            case LinkWrite.Stored:
                return TechnicianClaim.Linked(created, null);
            case LinkWrite.LinkedElsewhere:
                // Another user, recovering from its own interrupted createUser, took this empty technician; its orphan
                // (if its createUser got that far) is free for us now.
                logger.LogInformation("Technician {NodeId} created for {DirectoryUserId} was claimed by a recovering user; looking for its orphan",
                    created, change.DirectoryUserId);
                return await AdoptOrphanAsync(change, mapping, link, ct)
                    ?? throw new LinkRaceException($"The technician created for {change.DirectoryUserId} was claimed by another user; creating again.");
            default:
                return Lost(change);
        }
    }

    private async Task<TechnicianClaim?> AdoptOrphanAsync(UserChanged change, Mapping mapping, TechnicianLink? link, CancellationToken ct)
    {
        var group = mapping.TechnicianGroupId;
        var nodes = await rescue.GetHierarchyAsync(group, ct);
        var empty = nodes
            .Where(n => n.ParentId == group && n.NodeId != group && string.Equals(n.Type, TechnicianType, StringComparison.OrdinalIgnoreCase)
                && string.IsNullOrEmpty(n.Email))
            .OrderBy(n => n.NodeId);
        foreach (var orphan in empty)
        {
            switch (await links.PutAsync(Claim(change, mapping, link, orphan.NodeId, pending: null), ct))
            {
                case LinkWrite.Stored:
                    await syncLog.WriteAsync(new NewSyncLogEntry(SyncLogLevel.Info, "provisioner", "createUser",
                        $"Technician {orphan.NodeId}, left empty by an interrupted createUser, was claimed for this user instead of creating another.",
                        change.MappingId, change.DirectoryUserId, CorrelationId: change.CorrelationId, DisplayName: change.DisplayName, Email: change.Email), ct);
                    return TechnicianClaim.Linked(orphan.NodeId, null);
                case LinkWrite.LinkedElsewhere:
                    continue;
                default:
                    return Lost(change);
            }
        }
        return null;
    }

    // Version and state stay those last applied: claiming a technician applies nothing of this change yet.
    private TechnicianLink Claim(UserChanged change, Mapping mapping, TechnicianLink? link, long? node, DateTimeOffset? pending) =>
        new(change.DirectoryUserId, mapping.Id, node, link?.Version ?? 0, link?.State ?? change.State, clock.GetUtcNow(), pending);

    // Refused as stale (a newer version was applied) or bound (another instance linked this user meanwhile): with one consumer
    // per user neither happens; if it does, start over from the link as it is now.
    private static TechnicianClaim Lost(UserChanged change) =>
        throw new LinkRaceException($"The link of {change.DirectoryUserId} changed while this change was being applied.");
}
