using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// User ↔ technician links. PUT is a compare-and-set on the directory version: provisioner instances race on the
/// same user, and the one holding an older version must lose (409) whatever the order the requests arrive in. It is
/// also the lock on technicians: a link's technician never changes once set, and one technician is in one link only,
/// so two users can never claim the same technician (409 with a "reason" extension saying which rule refused it).
/// </summary>
public static class LinksApi
{
    public const int MaxTake = 500;

    public static RouteGroupBuilder MapLinksApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/links").WithTags("Links");
        group.MapGet("/", ListAsync).RequireRoles(Roles.Admin);
        group.MapGet("/{directoryUserId}", GetAsync).RequireRoles(Roles.Provisioner, Roles.Admin);
        group.MapPut("/{directoryUserId}", PutAsync).RequireRoles(Roles.Provisioner);
        group.MapPost("/batch", PutBatchAsync).RequireRoles(Roles.Provisioner);
        return group;
    }

    public static async Task<Results<Ok<TechnicianLink[]>, ValidationProblem>> ListAsync(
        ConfigDbContext db, Guid? mappingId, int? skip, int? take, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        Paging.Validate(errors, skip, take, MaxTake);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.Links.AsNoTracking();
        if (mappingId is { } mapping)
        {
            query = query.Where(l => l.MappingId == mapping);
        }

        var rows = await query.OrderBy(l => l.DirectoryUserId).Skip(skip ?? 0).Take(take ?? Paging.DefaultTake).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ToLink).ToArray());
    }

    public static async Task<Results<Ok<TechnicianLink>, NotFound>> GetAsync(
        string directoryUserId, ConfigDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.Links.AsNoTracking().SingleOrDefaultAsync(l => l.DirectoryUserId == directoryUserId, cancellationToken);
        return row is null ? TypedResults.NotFound() : TypedResults.Ok(ToLink(row));
    }

    public static async Task<Results<Ok<TechnicianLink>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string directoryUserId, TechnicianLink link, ConfigDbContext db, TimeProvider time, SqliteWriteGate gate, CancellationToken cancellationToken)
    {
        var errors = Validate(directoryUserId, link);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        // One connection for every statement below (EF would open and set up a connection per statement), opened before
        // the write gate: only the statements need to run one at a time.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            using var writing = await gate.EnterAsync(db, cancellationToken);
            var result = await WriteAsync(directoryUserId, link, db, time, cancellationToken);
            if (result.Result is Ok<TechnicianLink> && link.History is { } history)
            {
                await AddHistoryAsync(db, [HistoryApi.ToRow(history with { DirectoryUserId = directoryUserId }, time.UtcNowForStorage())], cancellationToken);
            }

            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The most links one POST /api/links/batch may carry.</summary>
    public const int MaxBatch = 100;

    /// <summary>
    /// Several links in one request, each written exactly as PUT /api/links/{directoryUserId} writes it alone (its own
    /// compare-and-set, its own 409), one after another in the order sent. A provisioner instance gathers the link writes
    /// of the messages it has in flight into one request: the per-request work of HTTP, authentication and routing is
    /// paid once for all of them, and on SQLite the batch takes one connection.
    /// </summary>
    public static async Task<Results<Ok<LinkWriteResult[]>, ValidationProblem>> PutBatchAsync(
        TechnicianLink[]? links, ConfigDbContext db, TimeProvider time, SqliteWriteGate gate, CancellationToken cancellationToken)
    {
        if (links is null || links.Length is 0 or > MaxBatch)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [""] = [$"Send between 1 and {MaxBatch} links."],
            });
        }

        var results = new LinkWriteResult[links.Length];
        var history = new List<HistoryRow>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            for (var i = 0; i < links.Length; i++)
            {
                var link = links[i];
                var id = link?.DirectoryUserId ?? "";
                var errors = link is null ? Invalid("", "A link is required.") : Validate(id, link);
                if (!errors.IsValid)
                {
                    results[i] = new LinkWriteResult(id, StatusCodes.Status400BadRequest, Errors: errors.ToDictionary());
                    continue;
                }

                // One write at a time through the gate, as single PUTs take it: a batch never holds other writers off for long.
                using var writing = await gate.EnterAsync(db, cancellationToken);
                results[i] = (await WriteAsync(id, link!, db, time, cancellationToken)).Result switch
                {
                    ProblemHttpResult problem => new LinkWriteResult(id, problem.StatusCode,
                        problem.ProblemDetails.Extensions.TryGetValue("reason", out var reason) ? reason as string : null,
                        problem.ProblemDetails.Extensions.TryGetValue("storedVersion", out var stored) ? stored as long? : null),
                    Ok<TechnicianLink> => new LinkWriteResult(id, StatusCodes.Status200OK),
                    var other => throw new InvalidOperationException($"Unexpected link write result {other.GetType().Name}."),
                };
                if (results[i].Status == StatusCodes.Status200OK && link!.History is { } entry)
                {
                    history.Add(HistoryApi.ToRow(entry with { DirectoryUserId = id }, time.UtcNowForStorage()));
                }
            }

            // The history of the stored links in one insert after them: a batch of new users costs one statement more, not
            // one per user. Only links that were stored get an entry; a refused write applied nothing.
            if (history.Count > 0)
            {
                using var writing = await gate.EnterAsync(db, cancellationToken);
                await AddHistoryAsync(db, history, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return TypedResults.Ok(results);
    }

    /// <summary>The link's own rules, and its history entry's when it carries one.</summary>
    private static ValidationErrors Validate(string directoryUserId, TechnicianLink link)
    {
        var errors = SettingsValidator.Validate(directoryUserId, link);
        if (link.History is not null)
        {
            HistoryApi.Validate(errors, "", link.History);
        }

        return errors;
    }

    private static async Task AddHistoryAsync(ConfigDbContext db, List<HistoryRow> rows, CancellationToken cancellationToken)
    {
        db.History.AddRange(rows);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private static ValidationErrors Invalid(string field, string message)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return errors;
    }

    private static async Task<Results<Ok<TechnicianLink>, ValidationProblem, ProblemHttpResult>> WriteAsync(
        string directoryUserId, TechnicianLink link, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        // Each attempt is one atomic statement: an UPDATE guarded by the version and the technician, else an INSERT guarded
        // by the primary key. Losing the insert race means the row now exists, so the next attempt's UPDATE decides. The
        // unique index on the technician makes a claim of a technician another user holds fail in either statement.
        // A new user's first link is almost always the createUser intent (no technician yet, a pending time): for it the
        // INSERT is tried first, one statement instead of an UPDATE that finds nothing, a read and the INSERT.
        var node = link.TechnicianNodeId;
        if (node is null && link.CreatePendingSince is not null
            && await TryInsertAsync(db, directoryUserId, link, time.UtcNowForStorage(), cancellationToken) is { } intent)
        {
            return TypedResults.Ok(intent);
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = time.UtcNowForStorage();
            int updated;
            try
            {
                updated = await db.Links
                    .Where(l => l.DirectoryUserId == directoryUserId && l.Version <= link.Version)
                    // A link's technician never changes once set: a write naming another one (or none) is refused below.
                    .Where(l => l.TechnicianNodeId == null || l.TechnicianNodeId == node)
                    .ExecuteUpdateAsync(
                        set => set
                            .SetProperty(l => l.MappingId, link.MappingId)
                            .SetProperty(l => l.TechnicianNodeId, node)
                            .SetProperty(l => l.Version, link.Version)
                            .SetProperty(l => l.State, link.State)
                            .SetProperty(l => l.UpdatedAt, now)
                            .SetProperty(l => l.CreatePendingSince, link.CreatePendingSince),
                        cancellationToken);
            }
            catch (Exception exception) when (UniqueViolation.IsAny(exception))
            {
                return await LinkedElsewhereAsync(db, node!.Value, cancellationToken);
            }

            if (updated > 0)
            {
                return TypedResults.Ok(link with { DirectoryUserId = directoryUserId, UpdatedAt = now, History = null });
            }

            var stored = await db.Links.AsNoTracking().SingleOrDefaultAsync(l => l.DirectoryUserId == directoryUserId, cancellationToken);
            if (stored is not null)
            {
                if (stored.Version > link.Version)
                {
                    return Conflict(stored, link.Version);
                }

                if (stored.TechnicianNodeId is { } bound && bound != node)
                {
                    return Bound(stored);
                }

                continue; // inserted by someone else since our UPDATE: try the UPDATE again
            }

            if (await TryInsertAsync(db, directoryUserId, link, now, cancellationToken) is { } inserted)
            {
                return TypedResults.Ok(inserted);
            }

            if (node is { } claimed && !await db.Links.AsNoTracking().AnyAsync(l => l.DirectoryUserId == directoryUserId, cancellationToken))
            {
                return await LinkedElsewhereAsync(db, claimed, cancellationToken);
            }
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The link is being written by many requests at once.",
            detail: "Retry later.");
    }

    /// <summary>The link as inserted, or null when a unique index refused it (the row exists, or the technician is taken).</summary>
    private static async Task<TechnicianLink?> TryInsertAsync(
        ConfigDbContext db, string directoryUserId, TechnicianLink link, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = new TechnicianLinkRow
        {
            DirectoryUserId = directoryUserId,
            MappingId = link.MappingId,
            TechnicianNodeId = link.TechnicianNodeId,
            Version = link.Version,
            State = link.State,
            UpdatedAt = now,
            CreatePendingSince = link.CreatePendingSince,
        };
        db.Links.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return ToLink(row);
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            return null;
        }
        finally
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }

    /// <summary>The "reason" extension of a 409 from PUT: the version is stale.</summary>
    public const string StaleVersion = "stale-version";

    /// <summary>The "reason" extension of a 409 from PUT: the link already has another technician, which never changes.</summary>
    public const string TechnicianBound = "technician-bound";

    /// <summary>The "reason" extension of a 409 from PUT: another user's link holds this technician.</summary>
    public const string LinkedElsewhere = "technician-linked-elsewhere";

    private static ProblemHttpResult Conflict(TechnicianLinkRow stored, long submitted) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "A newer version of this user was already applied.",
        detail: $"Stored version {stored.Version} is higher than {submitted}; this change is stale.",
        extensions: new Dictionary<string, object?> { ["reason"] = StaleVersion, ["storedVersion"] = stored.Version });

    private static ProblemHttpResult Bound(TechnicianLinkRow stored) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "This user is already linked to another technician.",
        detail: $"The link names technician {stored.TechnicianNodeId}; a link's technician never changes.",
        extensions: new Dictionary<string, object?>
        {
            ["reason"] = TechnicianBound,
            ["storedVersion"] = stored.Version,
            ["technicianNodeId"] = stored.TechnicianNodeId,
        });

    private static async Task<ProblemHttpResult> LinkedElsewhereAsync(ConfigDbContext db, long node, CancellationToken cancellationToken)
    {
        var holder = await db.Links.AsNoTracking().Where(l => l.TechnicianNodeId == node).Select(l => l.DirectoryUserId).FirstOrDefaultAsync(cancellationToken);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "This technician is linked to another directory user.",
            detail: $"Technician {node} belongs to another user's link; one technician serves one user.",
            extensions: new Dictionary<string, object?> { ["reason"] = LinkedElsewhere, ["technicianNodeId"] = node, ["linkedTo"] = holder });
    }

    private static TechnicianLink ToLink(TechnicianLinkRow row) =>
        new(row.DirectoryUserId, row.MappingId, row.TechnicianNodeId, row.Version, row.State, row.UpdatedAt, row.CreatePendingSince);
}
