using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.SyncLog;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// Provision on demand: an admin names one user; the reader (which learns the pending requests with the mappings)
/// resolves the user in the mapping's directory and publishes its state forced, carrying the request id; the provisioner
/// applies it and reports the result here. Pending → Published → Done, or Failed with the reason.
/// </summary>
public static class ProvisionRequestsApi
{
    public const int MaxUserLength = 1024;

    public static RouteGroupBuilder MapProvisionRequestsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/provision-requests").WithTags("Provision");
        group.MapPost("/", RequestAsync).RequireRoles(Roles.Admin);
        group.MapGet("/{id:guid}", GetAsync).RequireRoles(Roles.Admin, Roles.Reader, Roles.Provisioner);
        group.MapPost("/{id:guid}/published", PublishedAsync).RequireRoles(Roles.Reader);
        group.MapPost("/{id:guid}/failed", FailedAsync).RequireRoles(Roles.Reader, Roles.Provisioner);
        group.MapPost("/{id:guid}/result", ResultAsync).RequireRoles(Roles.Provisioner);
        return group;
    }

    internal static async Task<Dictionary<Guid, List<PendingProvision>>> PendingByMappingAsync(ConfigDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.ProvisionRequests.AsNoTracking()
            .Where(r => r.Status == ProvisionStatus.Pending)
            .Select(r => new { r.MappingId, r.Id, r.User })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.MappingId)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Id).Select(r => new PendingProvision(r.Id, r.User)).ToList());
    }

    /// <summary>202 with the new request (poll GET /api/provision-requests/{id}).</summary>
    public static async Task<Results<Accepted<ProvisionRequest>, ValidationProblem>> RequestAsync(
        NewProvisionRequest request, ConfigDbContext db, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var user = request.User?.Trim();
        if (string.IsNullOrEmpty(user))
        {
            return Invalid("user", "Name the user: sAMAccountName / uid, mail, DN or directory id.");
        }
        if (user.Length > MaxUserLength || user.Any(char.IsControl))
        {
            return Invalid("user", $"At most {MaxUserLength} characters, no control characters.");
        }

        Guid mappingId;
        if (request.MappingId is { } given)
        {
            var mapping = await db.Mappings.AsNoTracking().Where(m => m.Id == given).Select(m => new { m.Enabled }).SingleOrDefaultAsync(cancellationToken);
            if (mapping is null)
            {
                return Invalid("mappingId", $"No such mapping {given} (see GET /api/mappings).");
            }
            if (!mapping.Enabled)
            {
                return Invalid("mappingId", $"Mapping {given} is disabled: enable it first, its users are not provisioned.");
            }
            mappingId = given;
        }
        else
        {
            var enabled = await db.Mappings.AsNoTracking().Where(m => m.Enabled).OrderBy(m => m.Id).Select(m => m.Id).Take(2).ToListAsync(cancellationToken);
            if (enabled.Count != 1)
            {
                return Invalid("mappingId", enabled.Count == 0
                    ? "No enabled mapping exists."
                    : "Several mappings are enabled: name the one whose group the user is in.");
            }
            mappingId = enabled[0];
        }

        var now = time.UtcNowForStorage();
        var row = new ProvisionRequestRow
        {
            Id = Guid.CreateVersion7(),
            MappingId = mappingId,
            User = user,
            Status = ProvisionStatus.Pending,
            RequestedAt = now,
            RequestedBy = http.User.Identity?.Name,
            Revision = 1,
        };
        db.ProvisionRequests.Add(row);
        db.SyncLog.Add(new SyncLogRow
        {
            Time = now,
            Level = SyncLogLevel.Info,
            Source = "config",
            Operation = "provision-request",
            ErrorCode = "PROVISION_REQUESTED",
            Message = $"{row.RequestedBy} asked to provision '{user}' now ({row.Id}): the reader resolves the user at its next cycle of the mapping.",
            MappingId = mappingId,
        });
        await db.SaveChangesAsync(cancellationToken);
        SyncLogMetrics.Count(SyncLogLevel.Info, "config");
        return TypedResults.Accepted($"/api/provision-requests/{row.Id}", ToRequest(row));
    }

    public static async Task<Results<Ok<ProvisionRequest>, NotFound>> GetAsync(Guid id, ConfigDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.ProvisionRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        return row is null ? TypedResults.NotFound() : TypedResults.Ok(ToRequest(row));
    }

    /// <summary>The reader published the user's state. Repeating it is harmless; a finished request stays finished.</summary>
    public static async Task<Results<Ok<ProvisionRequest>, NotFound, ValidationProblem, ProblemHttpResult>> PublishedAsync(
        Guid id, ProvisionPublished published, ConfigDbContext db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(published.DirectoryUserId) || published.DirectoryUserId.Length > 200)
        {
            return Invalid("directoryUserId", "Required, at most 200 characters.");
        }
        var row = await db.ProvisionRequests.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }
        if (row.Status == ProvisionStatus.Pending)
        {
            row.Status = ProvisionStatus.Published;
            row.DirectoryUserId = published.DirectoryUserId;
            row.Revision++;
            if (await WriteConflicts.SaveAsync(db, cancellationToken) is { } conflict)
            {
                return conflict;
            }
        }
        return TypedResults.Ok(ToRequest(row));
    }

    /// <summary>It cannot be done (unknown user, not a member, Rescue refused): Failed with the reason, in the sync log too.</summary>
    public static async Task<Results<Ok<ProvisionRequest>, NotFound, ValidationProblem, ProblemHttpResult>> FailedAsync(
        Guid id, ProvisionFailure failure, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(failure.Error))
        {
            return Invalid("error", "Say why.");
        }
        return await FinishAsync(id, db, time, row =>
        {
            row.Status = ProvisionStatus.Failed;
            row.Error = failure.Error;
        }, cancellationToken);
    }

    /// <summary>The provisioner applied the state: Done with the outcome, or Failed when it reports an error.</summary>
    public static async Task<Results<Ok<ProvisionRequest>, NotFound, ValidationProblem, ProblemHttpResult>> ResultAsync(
        Guid id, ProvisionOutcome outcome, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(outcome.Outcome) || outcome.Outcome.Length > 32)
        {
            return Invalid("outcome", "Required, at most 32 characters.");
        }
        return await FinishAsync(id, db, time, row =>
        {
            row.Status = outcome.Error is null ? ProvisionStatus.Done : ProvisionStatus.Failed;
            row.Outcome = outcome.Outcome;
            row.TechnicianNodeId = outcome.TechnicianNodeId;
            row.Error = outcome.Error;
        }, cancellationToken);
    }

    private static async Task<Results<Ok<ProvisionRequest>, NotFound, ValidationProblem, ProblemHttpResult>> FinishAsync(
        Guid id, ConfigDbContext db, TimeProvider time, Action<ProvisionRequestRow> finish, CancellationToken cancellationToken)
    {
        var row = await db.ProvisionRequests.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }
        if (row.Status is ProvisionStatus.Done or ProvisionStatus.Failed)
        {
            // The first result stands (a redelivered message reports again).
            return TypedResults.Ok(ToRequest(row));
        }

        var now = time.UtcNowForStorage();
        finish(row);
        row.CompletedAt = now;
        row.Revision++;
        var failed = row.Status == ProvisionStatus.Failed;
        // Named as the history last recorded the user (the provisioner writes it with the link, before it reports the result);
        // a user the sync never applied a change to has no name here.
        var person = row.DirectoryUserId is { } userId
            ? await db.History.AsNoTracking().Where(h => h.DirectoryUserId == userId)
                .OrderByDescending(h => h.Time).ThenByDescending(h => h.Id)
                .Select(h => new { h.DisplayName, h.Email }).FirstOrDefaultAsync(cancellationToken)
            : null;
        db.SyncLog.Add(new SyncLogRow
        {
            Time = now,
            Level = failed ? SyncLogLevel.Error : SyncLogLevel.Info,
            Source = "config",
            Operation = "provision",
            ErrorCode = failed ? "PROVISION_FAILED" : "PROVISION_DONE",
            Message = failed
                ? $"Provisioning '{row.User}' on demand ({row.Id}) failed: {row.Error}"
                : $"Provisioned '{row.User}' on demand ({row.Id}): {row.Outcome}, technician {row.TechnicianNodeId}.",
            MappingId = row.MappingId,
            DirectoryUserId = row.DirectoryUserId,
            DisplayName = string.IsNullOrEmpty(person?.DisplayName) ? null : person.DisplayName,
            Email = string.IsNullOrEmpty(person?.Email) ? null : person.Email,
        });
        if (await WriteConflicts.SaveAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        SyncLogMetrics.Count(failed ? SyncLogLevel.Error : SyncLogLevel.Info, "config");
        return TypedResults.Ok(ToRequest(row));
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static ProvisionRequest ToRequest(ProvisionRequestRow row) =>
        new(row.Id, row.MappingId, row.User, row.Status, row.RequestedAt, row.RequestedBy, row.CompletedAt, row.DirectoryUserId,
            row.Outcome, row.TechnicianNodeId, row.Error);
}
