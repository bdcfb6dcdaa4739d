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
/// What to do with the user is <see cref="ProvisioningDecision"/>'s; this is how it is done safely.
/// </summary>
public sealed class TechnicianClaimer(IRescueClient rescue, LinkStore links, SyncLogWriter syncLog, TimeProvider clock, ILogger<TechnicianClaimer> logger)
{
    public const string TechnicianType = "Technician";

    /// <summary>
    /// Asks Rescue for a technician with the user's email. An enabled user without a technician almost always gets a new
    /// one, so the intent is written meanwhile: one config-service round trip fewer before createUser. When one is found,
    /// its claim replaces the intent. (A user whose link already shows an intent recovers first, see <see cref="CreateAsync"/>.)
    /// </summary>
    public async Task<(RescueTechnician? Existing, bool IntentWritten)> FindAsync(UserChanged change, Mapping mapping, TechnicianLink? link, CancellationToken ct)
    {
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
        {
            throw Lost(change);
        }

        return (existing, intentWrite is not null);
    }

    /// <summary>
    /// Links the technician that has the user's email (rule 5), before anything is written to it, so that a technician another
    /// user already holds is never changed: false when another user's link holds it (the intent written meanwhile is withdrawn).
    /// </summary>
    public async Task<bool> ClaimExistingAsync(UserChanged change, Mapping mapping, TechnicianLink? link, long nodeId, bool intentWritten, CancellationToken ct)
    {
        switch (await links.PutAsync(Claim(change, mapping, link, nodeId, pending: null), ct))
        {
            case LinkWrite.Stored:
                return true;
            case LinkWrite.LinkedElsewhere:
                // Nothing was created: the intent written meanwhile must not send this user's next change looking for orphans.
                if (intentWritten && await links.PutAsync(Claim(change, mapping, link, node: null, pending: null), ct) != LinkWrite.Stored)
                {
                    throw Lost(change);
                }

                return false;
            default:
                throw Lost(change);
        }
    }

    /// <summary>
    /// The technician a new user gets: after an interrupted create (<paramref name="recover"/>) an orphan of it, else one made
    /// by createUser between the intent and the claim.
    /// </summary>
    public async Task<long> CreateAsync(UserChanged change, Mapping mapping, TechnicianLink? link, bool recover, bool intentWritten, CancellationToken ct)
    {
        if (recover && await AdoptOrphanAsync(change, mapping, link, ct) is { } adopted)
        {
            return adopted;
        }

        // After a recovery that found no orphan the intent is written again (with the time of this attempt).
        if (!intentWritten && await links.PutAsync(Claim(change, mapping, link, node: null, pending: clock.GetUtcNow()), ct) != LinkWrite.Stored)
        {
            throw Lost(change);
        }

        var created = await rescue.CreateUserAsync(mapping.TechnicianGroupId, ct);
        switch (await links.PutAsync(Claim(change, mapping, link, created, pending: null), ct))
        {
            case LinkWrite.Stored:
                return created;
            case LinkWrite.LinkedElsewhere:
                // Another user, recovering from its own interrupted createUser, took this empty technician; its orphan
                // (if its createUser got that far) is free for us now.
                logger.CreatedTechnicianClaimed(created, change.DirectoryUserId);
                return await AdoptOrphanAsync(change, mapping, link, ct)
                    ?? throw new LinkRaceException($"The technician created for {change.DirectoryUserId} was claimed by another user; creating again.");
            default:
                throw Lost(change);
        }
    }

    /// <summary>Claims an empty technician in the mapping's group, left by an interrupted createUser; null when there is none free.</summary>
    public async Task<long?> AdoptOrphanAsync(UserChanged change, Mapping mapping, TechnicianLink? link, CancellationToken ct)
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
                    return orphan.NodeId;
                case LinkWrite.LinkedElsewhere:
                    continue;
                default:
                    throw Lost(change);
            }
        }
        return null;
    }

    // Version and state stay those last applied: claiming a technician applies nothing of this change yet.
    private TechnicianLink Claim(UserChanged change, Mapping mapping, TechnicianLink? link, long? node, DateTimeOffset? pending) =>
        new(change.DirectoryUserId, mapping.Id, node, link?.Version ?? 0, link?.State ?? change.State, clock.GetUtcNow(), pending);

    // Refused as stale (a newer version was applied) or bound (another instance linked this user meanwhile): with one consumer
    // per user neither happens; if it does, start over from the link as it is now.
    private static LinkRaceException Lost(UserChanged change) =>
        new($"The link of {change.DirectoryUserId} changed while this change was being applied.");
}
