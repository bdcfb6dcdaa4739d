using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.SyncLog;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Operations;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// Plans held by the mass-change guard (rule 10, docs/rules.md). The reader stores a plan and skips the mapping while it is
/// Held; an admin approves (the reader then runs the mapping once with the guard bypassed and marks it Applied) or
/// rejects it (the mapping resumes). Every transition is written to the sync log.
/// </summary>
public static class HeldPlansApi
{
    public const int MaxTake = 500;
    private const string Source = "config";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapHeldPlansApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/held-plans").WithTags("Held plans");
        group.MapGet("/", ListAsync).RequireRoles(Roles.Admin, Roles.Reader);
        group.MapGet("/{id:guid}", GetAsync).RequireRoles(Roles.Admin, Roles.Reader);
        group.MapPost("/", CreateAsync).RequireRoles(Roles.Reader).WithBodyLimit(BodyLimits.Plans);
        group.MapPost("/{id:guid}/approve", ApproveAsync).RequireRoles(Roles.Admin);
        group.MapPost("/{id:guid}/reject", RejectAsync).RequireRoles(Roles.Admin);
        group.MapPost("/{id:guid}/applied", AppliedAsync).RequireRoles(Roles.Reader);
        return group;
    }

    /// <summary>Newest first, without the changes (GET by id has them). <c>open=true</c>: only Held and Approved plans.</summary>
    public static async Task<Results<Ok<HeldPlan[]>, ValidationProblem>> ListAsync(
        ConfigDbContext db, Guid? mappingId, HeldPlanStatus? status, bool? open, int? skip, int? take, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        Paging.Validate(errors, skip, take, MaxTake);
        if (status is { } s && !Enum.IsDefined(s))
        {
            errors.Add("status", "Must be Held, Approved, Applied or Rejected.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.HeldPlans.AsNoTracking();
        if (mappingId is { } mapping)
        {
            query = query.Where(p => p.MappingId == mapping);
        }

        if (status is { } wanted)
        {
            query = query.Where(p => p.Status == wanted);
        }

        if (open == true)
        {
            query = query.Where(p => p.Status == HeldPlanStatus.Held || p.Status == HeldPlanStatus.Approved);
        }

        // Sorted in memory: SQLite cannot order by DateTimeOffset, and the result is bounded by take anyway.
        var rows = await query.Select(p => new
        {
            p.Id,
            p.MappingId,
            p.Status,
            p.Reason,
            p.Disables,
            p.EnabledMembers,
            p.TotalChanges,
            p.CreatedAt,
            p.DecidedAt,
            p.DecidedBy,
            p.AppliedAt,
            p.CorrelationId
        }).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Skip(skip ?? 0).Take(take ?? Paging.DefaultTake)
            .Select(p => new HeldPlan(p.Id, p.MappingId, p.Status, p.Reason, p.Disables, p.EnabledMembers, p.TotalChanges, [], p.CreatedAt,
                p.DecidedAt, p.DecidedBy, p.AppliedAt, p.CorrelationId))
            .ToArray());
    }

    public static async Task<Results<Ok<HeldPlan>, NotFound>> GetAsync(Guid id, ConfigDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.HeldPlans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        return row is null ? TypedResults.NotFound() : TypedResults.Ok(ToPlan(row, withChanges: true));
    }

    /// <summary>The reader holds a cycle. 409 (with the open plan's id) when the mapping already has an open plan.</summary>
    public static async Task<Results<Created<HeldPlan>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        NewHeldPlan plan, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = Validate(plan);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (!await db.Mappings.AnyAsync(m => m.Id == plan.MappingId, cancellationToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mappingId"] = ["No such mapping."] });
        }

        if (await OpenPlanAsync(db, plan.MappingId, cancellationToken) is { } openId)
        {
            return AlreadyOpen(openId);
        }

        var now = time.UtcNowForStorage();
        var row = new HeldPlanRow
        {
            Id = Guid.CreateVersion7(),
            MappingId = plan.MappingId,
            Status = HeldPlanStatus.Held,
            Reason = plan.Reason.Trim(),
            Disables = plan.Disables,
            EnabledMembers = plan.EnabledMembers,
            TotalChanges = plan.TotalChanges,
            ChangesJson = JsonSerializer.Serialize(plan.Changes, Json),
            CreatedAt = now,
            CorrelationId = plan.CorrelationId,
            Revision = 1,
        };
        db.HeldPlans.Add(row);
        // One entry per plan, written with it: the reader cannot lose it, nor write it twice.
        AddLog(db, now, SyncLogLevel.Warning, "guard-hold", "GUARD_HELD", row,
            $"The mass-change guard held this mapping: {row.Reason} Nothing of it is applied until an operator approves (adsync approve {row.Id}) or rejects (adsync reject {row.Id}) the plan.");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            // A concurrent hold of the same mapping was stored first: the unique index on a mapping's open plan refused
            // this one (the check above cannot see a plan that is being inserted at the same moment).
            db.ChangeTracker.Clear();
            return AlreadyOpen(await OpenPlanAsync(db, plan.MappingId, cancellationToken));
        }

        SyncLogMetrics.Count(SyncLogLevel.Warning, Source);
        return TypedResults.Created($"/api/held-plans/{row.Id}", ToPlan(row, withChanges: true));
    }

    public static Task<Results<Ok<HeldPlan>, NotFound, ProblemHttpResult>> ApproveAsync(
        Guid id, ConfigDbContext db, TimeProvider time, HttpContext http, CancellationToken cancellationToken) =>
        TransitionAsync(id, HeldPlanStatus.Held, HeldPlanStatus.Approved, db, time, http, cancellationToken);

    public static Task<Results<Ok<HeldPlan>, NotFound, ProblemHttpResult>> RejectAsync(
        Guid id, ConfigDbContext db, TimeProvider time, HttpContext http, CancellationToken cancellationToken) =>
        TransitionAsync(id, HeldPlanStatus.Held, HeldPlanStatus.Rejected, db, time, http, cancellationToken);

    /// <summary>The reader's approved run is published. Repeating it is harmless (the answer is the applied plan).</summary>
    public static Task<Results<Ok<HeldPlan>, NotFound, ProblemHttpResult>> AppliedAsync(
        Guid id, ConfigDbContext db, TimeProvider time, HttpContext http, CancellationToken cancellationToken) =>
        TransitionAsync(id, HeldPlanStatus.Approved, HeldPlanStatus.Applied, db, time, http, cancellationToken);

    private static async Task<Results<Ok<HeldPlan>, NotFound, ProblemHttpResult>> TransitionAsync(
        Guid id, HeldPlanStatus from, HeldPlanStatus to, ConfigDbContext db, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await db.HeldPlans.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        if (row.Status == to)
        {
            return TypedResults.Ok(ToPlan(row, withChanges: false));
        }

        if (row.Status != from)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: $"The plan is {row.Status}, so it cannot become {to}.",
                detail: to == HeldPlanStatus.Applied ? "Only an approved plan can be applied." : "Only a held plan can be approved or rejected.");
        }

        var now = time.UtcNowForStorage();
        row.Status = to;
        row.Revision++;
        if (to == HeldPlanStatus.Applied)
        {
            row.AppliedAt = now;
            AddLog(db, now, SyncLogLevel.Info, "guard-apply", "GUARD_APPLIED", row,
                $"The approved plan {row.Id} was applied: the mapping's changes were published and it is synchronized normally again.");
        }
        else
        {
            row.DecidedAt = now;
            row.DecidedBy = http.User.Identity?.Name;
            AddLog(db, now, SyncLogLevel.Info, to == HeldPlanStatus.Approved ? "guard-approve" : "guard-reject",
                to == HeldPlanStatus.Approved ? "GUARD_APPROVED" : "GUARD_REJECTED", row,
                to == HeldPlanStatus.Approved
                    ? $"{row.DecidedBy} approved plan {row.Id}: the next cycle applies the mapping's changes as the directory has them then."
                    : $"{row.DecidedBy} rejected plan {row.Id}: the mapping resumes; if the directory still looks the same, the guard holds it again.");
        }

        if (await WriteConflicts.SaveAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        SyncLogMetrics.Count(to == HeldPlanStatus.Held ? SyncLogLevel.Warning : SyncLogLevel.Info, Source);
        return TypedResults.Ok(ToPlan(row, withChanges: false));
    }

    private static Task<Guid?> OpenPlanAsync(ConfigDbContext db, Guid mappingId, CancellationToken cancellationToken) =>
        db.HeldPlans.AsNoTracking()
            .Where(p => p.MappingId == mappingId && (p.Status == HeldPlanStatus.Held || p.Status == HeldPlanStatus.Approved))
            .Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);

    private static ProblemHttpResult AlreadyOpen(Guid? openId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The mapping already has an open held plan.",
            detail: openId is null ? "Another plan was held for it at the same time." : $"Plan {openId} is still open; approve or reject it first.",
            extensions: new Dictionary<string, object?> { ["planId"] = openId });

    private static ValidationErrors Validate(NewHeldPlan plan)
    {
        var errors = new ValidationErrors();
        if (plan.MappingId == Guid.Empty)
        {
            errors.Add("mappingId", "Required.");
        }

        errors.Required("reason", plan.Reason, 1000);
        if (plan.Disables < 0)
        {
            errors.Add("disables", "Must not be negative.");
        }

        if (plan.EnabledMembers < 0)
        {
            errors.Add("enabledMembers", "Must not be negative.");
        }

        if (plan.TotalChanges < plan.Disables)
        {
            errors.Add("totalChanges", "Must be at least the number of disables.");
        }

        if (plan.Changes is null)
        {
            errors.Add("changes", "Required (may be empty).");
        }
        else if (plan.Changes.Count > NewHeldPlan.MaxChanges)
        {
            errors.Add("changes", $"At most {NewHeldPlan.MaxChanges} changes; the counts carry the rest.");
        }
        else if (plan.Changes.Any(c => c is null || string.IsNullOrWhiteSpace(c.DirectoryUserId)))
        {
            errors.Add("changes", "Every change needs a directoryUserId.");
        }

        return errors;
    }

    private static void AddLog(ConfigDbContext db, DateTimeOffset now, SyncLogLevel level, string operation, string code, HeldPlanRow row, string message) =>
        db.SyncLog.Add(new SyncLogRow
        {
            Time = now,
            Level = level,
            Source = Source,
            Operation = operation,
            Message = message,
            MappingId = row.MappingId,
            ErrorCode = code,
            WillRetry = false,
            CorrelationId = row.CorrelationId,
        });

    private static HeldPlan ToPlan(HeldPlanRow row, bool withChanges) => new(
        row.Id, row.MappingId, row.Status, row.Reason, row.Disables, row.EnabledMembers, row.TotalChanges,
        withChanges ? JsonSerializer.Deserialize<PlannedChange[]>(row.ChangesJson, Json) ?? [] : [],
        row.CreatedAt, row.DecidedAt, row.DecidedBy, row.AppliedAt, row.CorrelationId);
}
