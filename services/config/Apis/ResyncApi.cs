using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.SyncLog;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// Full resync of a mapping on demand: an admin asks, the reader (which learns it with the mappings) reads the mapping in
/// full and republishes every known user's state with Force, so the provisioner re-applies it even at the same version
/// (repairing drift made by hand in Rescue), then reports it done.
/// </summary>
public static class ResyncApi
{
    public static RouteGroupBuilder MapResyncApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/mappings/{id:guid}/resync", RequestAsync).RequireRoles(Roles.Admin).WithTags("Resync");
        var group = api.MapGroup("/resync-requests").WithTags("Resync");
        group.MapGet("/{id:guid}", GetAsync).RequireRoles(Roles.Admin, Roles.Reader);
        group.MapPost("/{id:guid}/done", DoneAsync).RequireRoles(Roles.Reader);
        return group;
    }

    /// <summary>202 with a new request; 200 with the pending one when a resync of the mapping is already waiting.</summary>
    public static async Task<Results<Accepted<ResyncRequest>, Ok<ResyncRequest>, ProblemHttpResult>> RequestAsync(
        Guid id, ConfigDbContext db, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        if (!await db.Mappings.AnyAsync(m => m.Id == id, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such mapping.",
                detail: $"Mapping {id} does not exist (see GET /api/mappings).");
        }

        var pending = await db.ResyncRequests.AsNoTracking()
            .FirstOrDefaultAsync(r => r.MappingId == id && r.Status == ResyncStatus.Pending, cancellationToken);
        if (pending is not null)
        {
            return TypedResults.Ok(ToRequest(pending));
        }

        var now = time.UtcNowForStorage();
        var row = new ResyncRequestRow
        {
            Id = Guid.CreateVersion7(),
            MappingId = id,
            Status = ResyncStatus.Pending,
            RequestedAt = now,
            RequestedBy = http.User.Identity?.Name,
            Revision = 1,
        };
        db.ResyncRequests.Add(row);
        db.SyncLog.Add(new SyncLogRow
        {
            Time = now,
            Level = SyncLogLevel.Info,
            Source = "config",
            Operation = "resync-request",
            ErrorCode = "RESYNC_REQUESTED",
            Message = $"{row.RequestedBy} asked for a full resync ({row.Id}): the reader republishes every user's state at its next cycle of the mapping.",
            MappingId = id,
        });
        if (await WriteConflicts.SaveAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        SyncLogMetrics.Count(SyncLogLevel.Info, "config");
        return TypedResults.Accepted($"/api/resync-requests/{row.Id}", ToRequest(row));
    }

    public static async Task<Results<Ok<ResyncRequest>, NotFound>> GetAsync(Guid id, ConfigDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.ResyncRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        return row is null ? TypedResults.NotFound() : TypedResults.Ok(ToRequest(row));
    }

    /// <summary>The reader republished the states. Repeating it is harmless.</summary>
    public static async Task<Results<Ok<ResyncRequest>, NotFound, ValidationProblem, ProblemHttpResult>> DoneAsync(
        Guid id, ResyncCompletion completion, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (completion.Published < 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["published"] = ["Must not be negative."] });
        }

        var row = await db.ResyncRequests.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        if (row.Status == ResyncStatus.Done)
        {
            return TypedResults.Ok(ToRequest(row));
        }

        var now = time.UtcNowForStorage();
        row.Status = ResyncStatus.Done;
        row.CompletedAt = now;
        row.Published = completion.Published;
        row.Revision++;
        db.SyncLog.Add(new SyncLogRow
        {
            Time = now,
            Level = SyncLogLevel.Info,
            Source = "config",
            Operation = "resync",
            ErrorCode = "RESYNC_DONE",
            Message = $"Full resync {row.Id} done: the reader republished {completion.Published} user states; the provisioner re-applies each of them.",
            MappingId = row.MappingId,
        });
        if (await WriteConflicts.SaveAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        SyncLogMetrics.Count(SyncLogLevel.Info, "config");
        return TypedResults.Ok(ToRequest(row));
    }

    private static ResyncRequest ToRequest(ResyncRequestRow row) =>
        new(row.Id, row.MappingId, row.Status, row.RequestedAt, row.RequestedBy, row.CompletedAt, row.Published);
}
