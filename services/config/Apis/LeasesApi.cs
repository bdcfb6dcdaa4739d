using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// Leader leases: "exactly one active reader per directory" when there is no Kubernetes Lease. Every decision is
/// one guarded statement (a conditional UPDATE, else an INSERT on the primary key), so two replicas asking at the
/// same moment cannot both win, on SQLite (one writer at a time) as on PostgreSQL (the UPDATE re-checks its WHERE
/// on the row it waited for).
/// </summary>
public static class LeasesApi
{
    public const int MaxNameLength = 200;
    public const int MaxHolderLength = 200;
    public const int MaxTtlSeconds = 3600;

    public static RouteGroupBuilder MapLeasesApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/leases").WithTags("Leases");
        group.MapGet("/{name}", GetAsync).RequireRoles(Roles.Reader, Roles.Admin);
        group.MapPost("/{name}", AcquireAsync).RequireRoles(Roles.Reader);
        group.MapDelete("/{name}", ReleaseAsync).RequireRoles(Roles.Reader);
        return group;
    }

    public static async Task<Results<Ok<Lease>, NotFound>> GetAsync(string name, ConfigDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.Leases.AsNoTracking().SingleOrDefaultAsync(l => l.Name == name, cancellationToken);
        return row is null ? TypedResults.NotFound() : TypedResults.Ok(ToLease(row));
    }

    /// <summary>200 when acquired, or renewed by the same holder; 409 with the current holder while it is held by another.</summary>
    public static async Task<Results<Ok<Lease>, ValidationProblem, ProblemHttpResult>> AcquireAsync(
        string name, LeaseRequest request, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Required("name", name, MaxNameLength);
        errors.Required("holder", request.Holder, MaxHolderLength);
        if (request.TtlSeconds is < 1 or > MaxTtlSeconds)
        {
            errors.Add("ttlSeconds", $"Must be between 1 and {MaxTtlSeconds}.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var holder = request.Holder;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = time.UtcNowForStorage();
            var expires = now.AddSeconds(request.TtlSeconds);

            // Renew our own lease, or take over one that has expired; a renewal keeps the original acquisition time.
            var updated = await db.Leases
                .Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt <= now))
                .ExecuteUpdateAsync(
                    set => set
                        .SetProperty(l => l.AcquiredAt, l => l.Holder == holder ? l.AcquiredAt : now)
                        .SetProperty(l => l.Holder, holder)
                        .SetProperty(l => l.ExpiresAt, expires),
                    cancellationToken);
            if (updated > 0)
            {
                return await CurrentAsync(db, name, cancellationToken) is { } current && current.Holder == holder
                    ? TypedResults.Ok(ToLease(current))
                    : await HeldAsync(db, name, cancellationToken); // taken over between our UPDATE and this read: a very short TTL
            }

            var stored = await db.Leases.AsNoTracking().SingleOrDefaultAsync(l => l.Name == name, cancellationToken);
            if (stored is not null)
            {
                return Held(stored);
            }

            var row = new LeaseRow { Name = name, Holder = holder, AcquiredAt = now, ExpiresAt = expires };
            db.Leases.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.Ok(ToLease(row));
            }
            catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
            {
                // Someone inserted it first; the next UPDATE decides whether it is ours to take.
                db.Entry(row).State = EntityState.Detached;
            }
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The lease is being contended by many requests at once.",
            detail: "Retry later.");
    }

    /// <summary>204 when released (or already gone); 409 when another holder has it, which a release must never take away.</summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ReleaseAsync(
        string name, string? holder, ConfigDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Required("holder", holder, MaxHolderLength);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        await db.Leases.Where(l => l.Name == name && l.Holder == holder).ExecuteDeleteAsync(cancellationToken);
        return await db.Leases.AsNoTracking().SingleOrDefaultAsync(l => l.Name == name, cancellationToken) is { } other
            ? Held(other)
            : TypedResults.NoContent();
    }

    private static Task<LeaseRow?> CurrentAsync(ConfigDbContext db, string name, CancellationToken cancellationToken) =>
        db.Leases.AsNoTracking().SingleOrDefaultAsync(l => l.Name == name, cancellationToken);

    private static async Task<ProblemHttpResult> HeldAsync(ConfigDbContext db, string name, CancellationToken cancellationToken) =>
        await CurrentAsync(db, name, cancellationToken) is { } row
            ? Held(row)
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The lease changed hands meanwhile.", detail: "Retry.");

    private static ProblemHttpResult Held(LeaseRow row) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "The lease is held by another holder.",
        detail: $"{row.Holder} holds it until {row.ExpiresAt:O}.",
        extensions: new Dictionary<string, object?>
        {
            ["holder"] = row.Holder,
            ["acquiredAt"] = row.AcquiredAt,
            ["expiresAt"] = row.ExpiresAt,
        });

    private static Lease ToLease(LeaseRow row) => new(row.Name, row.Holder, row.AcquiredAt, row.ExpiresAt);
}
