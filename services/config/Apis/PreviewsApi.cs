using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.SyncLog;
using RescueAdSync.Contracts.Config;
using RescueAdSync.Contracts.Previews;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// Preview (dry run) of one mapping or all of them. An admin asks; the reader (which polls GET /api/previews/pending every
/// cycle) reads each mapping exactly as a real cycle would and stores the states it would publish, without publishing them
/// or moving its state; the provisioner (which alone holds the Rescue credentials) compares them with Rescue through read
/// calls only, with the same decisions as its consumer, and stores the plan. Pending → Read → Ready, or Failed with the reason.
/// Previews are deleted <see cref="Retention"/> after the request; one not finished within <see cref="AnswerTimeout"/> fails.
/// </summary>
public static class PreviewsApi
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(15);
    public const long MaxReadBytes = 256L * 1024 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapPreviewsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/previews").WithTags("Previews");
        group.MapPost("/", RequestAsync).RequireRoles(Roles.Admin);
        group.MapGet("/{id:guid}", GetAsync).RequireRoles(Roles.Admin);
        group.MapGet("/{id:guid}/csv", CsvAsync).RequireRoles(Roles.Admin);
        group.MapGet("/pending", PendingAsync).RequireRoles(Roles.Reader);
        // A first preview of a large mapping carries every member's state: above Kestrel's 30 MB default.
        group.MapPost("/{id:guid}/mappings/{mappingId:guid}", MappingReadAsync).RequireRoles(Roles.Reader)
            .WithBodyLimit(MaxReadBytes);
        group.MapGet("/{id:guid}/input", InputAsync).RequireRoles(Roles.Provisioner);
        group.MapGet("/technicians/{nodeId:long}/link", TechnicianLinkAsync).RequireRoles(Roles.Provisioner);
        group.MapPost("/{id:guid}/plan", PlanAsync).RequireRoles(Roles.Provisioner).WithBodyLimit(BodyLimits.Plans);
        return group;
    }

    /// <summary>202 with the new preview (poll GET /api/previews/{id}). No body or no mapping id: every enabled mapping.</summary>
    public static async Task<Results<Accepted<Preview>, ValidationProblem>> RequestAsync(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] NewPreview? request,
        ConfigDbContext db, TimeProvider time, HttpContext http, ConfigChangeNotifier notifier, CancellationToken cancellationToken)
    {
        List<Guid> mappingIds;
        if (request?.MappingId is { } given)
        {
            // A disabled mapping can be previewed too (that is how one checks a mapping before enabling it): the reader
            // reads it for the preview only, never for a cycle.
            if (!await db.Mappings.AsNoTracking().AnyAsync(m => m.Id == given, cancellationToken))
            {
                return Invalid("mappingId", $"No such mapping {given} (see GET /api/mappings).");
            }
            mappingIds = [given];
        }
        else
        {
            mappingIds = await db.Mappings.AsNoTracking().Where(m => m.Enabled).OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(cancellationToken);
            if (mappingIds.Count == 0)
            {
                return Invalid("mappingId", "No enabled mapping exists: there is nothing to preview.");
            }
        }

        var now = time.UtcNowForStorage();
        await db.Previews.Where(p => p.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var row = new PreviewRow
        {
            Id = Guid.CreateVersion7(),
            MappingId = request?.MappingId,
            MappingIdsJson = JsonSerializer.Serialize(mappingIds, Json),
            Status = PreviewStatus.Pending,
            RequestedAt = now,
            RequestedBy = http.User.Identity?.Name,
            ExpiresAt = now + Retention,
            ReadJson = "{}",
            Revision = 1,
        };
        db.Previews.Add(row);
        db.SyncLog.Add(new SyncLogRow
        {
            Time = now,
            Level = SyncLogLevel.Info,
            Source = "config",
            Operation = "preview-request",
            ErrorCode = "PREVIEW_REQUESTED",
            Message = $"{row.RequestedBy} asked for a preview ({row.Id}) of {(row.MappingId is null ? $"all {mappingIds.Count} enabled mappings" : "the mapping")}: nothing is changed.",
            MappingId = row.MappingId,
        });
        await db.SaveChangesAsync(cancellationToken);
        SyncLogMetrics.Count(SyncLogLevel.Info, "config");
        // Wakes the reader now instead of at its next poll.
        await notifier.NotifyAsync("previews", row.Id.ToString(), cancellationToken);
        return TypedResults.Accepted($"/api/previews/{row.Id}", ToPreview(row, withPlan: false));
    }

    /// <summary>The preview with its plan once Ready; <c>?format=csv</c> gives the plan as CSV (as GET …/csv does).</summary>
    public static async Task<Results<Ok<Preview>, FileContentHttpResult, NotFound, ValidationProblem, ProblemHttpResult>> GetAsync(
        Guid id, string? format, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (format is not null && !string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase) && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid("format", "Must be json (the default) or csv.");
        }
        var row = await FindAsync(db, id, time, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }
        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
        {
            return ToCsv(row).Result switch
            {
                FileContentHttpResult file => file,
                ProblemHttpResult problem => problem,
                _ => TypedResults.NotFound(),
            };
        }
        return TypedResults.Ok(ToPreview(row, withPlan: true));
    }

    /// <summary>The plan as CSV (text/csv); 409 while it is not Ready.</summary>
    public static async Task<Results<FileContentHttpResult, NotFound, ProblemHttpResult>> CsvAsync(
        Guid id, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var row = await FindAsync(db, id, time, cancellationToken);
        return row is null ? TypedResults.NotFound() : ToCsv(row);
    }

    /// <summary>The reader's work: previews with mappings not read yet. Expired previews go, overdue ones fail, here.</summary>
    public static async Task<Ok<PendingPreview[]>> PendingAsync(ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.UtcNowForStorage();
        await db.Previews.Where(p => p.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var rows = await db.Previews.Where(p => p.Status == PreviewStatus.Pending).OrderBy(p => p.Id).ToListAsync(cancellationToken);
        var pending = new List<PendingPreview>();
        var existing = (await db.Mappings.AsNoTracking().Select(m => m.Id).ToListAsync(cancellationToken)).ToHashSet();
        foreach (var row in rows)
        {
            if (TimeOut(row, now))
            {
                continue;
            }
            var reads = Reads(row);
            var missing = MappingIds(row).Where(m => !reads.ContainsKey(m)).ToList();
            if (missing.FirstOrDefault(m => !existing.Contains(m)) is var gone && gone != Guid.Empty)
            {
                Fail(row, now, $"Mapping {gone} was deleted after the preview was requested: request a new preview.");
                continue;
            }
            pending.Add(new PendingPreview(row.Id, missing));
        }
        // A concurrent writer (the reader posting a read) wins; these transitions are retried at the next poll.
        await WriteConflicts.SaveAsync(db, cancellationToken);
        return TypedResults.Ok(pending.ToArray());
    }

    /// <summary>The reader stores one mapping's read; when the last one arrives, the preview is Read (the reader then asks a provisioner for the plan).</summary>
    public static async Task<Results<Ok<Preview>, NotFound, ValidationProblem, ProblemHttpResult>> MappingReadAsync(
        Guid id, Guid mappingId, PreviewMappingRead read, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (read.Changes is null || read.Unchanged < 0)
        {
            return Invalid("changes", "Required; unchanged must not be negative.");
        }
        if (read.Changes.Any(c => c is null || c.MappingId != mappingId || string.IsNullOrWhiteSpace(c.DirectoryUserId)))
        {
            return Invalid("changes", "Every change needs a directory user id and this mapping's id.");
        }
        var row = await db.Previews.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }
        if (!MappingIds(row).Contains(mappingId))
        {
            return Invalid("mappingId", $"Preview {id} does not cover mapping {mappingId}.");
        }
        if (row.Status != PreviewStatus.Pending)
        {
            // Read twice (a retried call) or failed meanwhile: the first answer stands.
            return TypedResults.Ok(ToPreview(row, withPlan: false));
        }
        var now = time.UtcNowForStorage();
        if (read.Error is not null)
        {
            Fail(row, now, $"Reading mapping {mappingId} failed: {read.Error}");
        }
        else
        {
            var reads = Reads(row);
            reads[mappingId] = read;
            row.ReadJson = JsonSerializer.Serialize(reads, Json);
            if (MappingIds(row).All(reads.ContainsKey))
            {
                row.Status = PreviewStatus.Read;
            }
            row.Revision++;
        }
        if (await WriteConflicts.SaveAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }
        return TypedResults.Ok(ToPreview(row, withPlan: false));
    }

    /// <summary>Every mapping's read, for the provisioner; 409 unless the preview is Read.</summary>
    public static async Task<Results<Ok<PreviewInput>, NotFound, ProblemHttpResult>> InputAsync(Guid id, ConfigDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.Previews.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }
        if (row.Status != PreviewStatus.Read)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Preview {id} is {row.Status}, not Read.",
                detail: "Only a preview whose mappings are all read can be planned.");
        }
        return TypedResults.Ok(new PreviewInput(row.Id, Reads(row)));
    }

    /// <summary>Which directory user a technician is linked to (the link-by-email rule refuses a technician another user holds).</summary>
    public static async Task<Results<Ok<TechnicianLinkOwner>, NotFound>> TechnicianLinkAsync(long nodeId, ConfigDbContext db, CancellationToken cancellationToken)
    {
        var link = await db.Links.AsNoTracking().Where(l => l.TechnicianNodeId == nodeId)
            .Select(l => new { l.DirectoryUserId, l.MappingId }).FirstOrDefaultAsync(cancellationToken);
        return link is null ? TypedResults.NotFound() : TypedResults.Ok(new TechnicianLinkOwner(nodeId, link.DirectoryUserId, link.MappingId));
    }

    /// <summary>The provisioner's plan: Ready, or Failed when it reports an error. The first answer stands.</summary>
    public static async Task<Results<Ok<Preview>, NotFound, ValidationProblem, ProblemHttpResult>> PlanAsync(
        Guid id, PreviewPlan plan, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (plan.Error is null && (plan.Summary is null || plan.Items is null))
        {
            return Invalid("summary", "A plan needs a summary and items, or an error.");
        }
        var row = await db.Previews.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }
        if (row.Status is PreviewStatus.Ready or PreviewStatus.Failed)
        {
            return TypedResults.Ok(ToPreview(row, withPlan: false));
        }
        if (row.Status != PreviewStatus.Read)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Preview {id} is {row.Status}, not Read.",
                detail: "The reader has not read every mapping yet.");
        }
        var now = time.UtcNowForStorage();
        if (plan.Error is not null)
        {
            Fail(row, now, plan.Error);
        }
        else
        {
            row.Status = PreviewStatus.Ready;
            row.PlanJson = JsonSerializer.Serialize(plan with { Error = null }, Json);
            row.CompletedAt = now;
            row.Revision++;
            var s = plan.Summary!;
            db.SyncLog.Add(new SyncLogRow
            {
                Time = now,
                Level = SyncLogLevel.Info,
                Source = "config",
                Operation = "preview",
                ErrorCode = "PREVIEW_READY",
                Message = $"Preview {row.Id} ready: {s.Create} to create, {s.Link} to link, {s.Update} to update, {s.Enable} to enable, " +
                    $"{s.Disable} to disable, {s.Skip} skipped, {s.NoChange} unchanged. Nothing was changed.",
                MappingId = row.MappingId,
            });
        }
        if (await WriteConflicts.SaveAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }
        SyncLogMetrics.Count(row.Status == PreviewStatus.Failed ? SyncLogLevel.Warning : SyncLogLevel.Info, "config");
        return TypedResults.Ok(ToPreview(row, withPlan: false));
    }

    private static async Task<PreviewRow?> FindAsync(ConfigDbContext db, Guid id, TimeProvider time, CancellationToken cancellationToken)
    {
        var row = await db.Previews.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        var now = time.UtcNowForStorage();
        if (row is null || row.ExpiresAt < now)
        {
            return null;
        }
        if (TimeOut(row, now))
        {
            await WriteConflicts.SaveAsync(db, cancellationToken);
        }
        return row;
    }

    /// <summary>A preview nobody finished in time fails, naming the service that did not answer.</summary>
    private static bool TimeOut(PreviewRow row, DateTimeOffset now)
    {
        if (row.Status is not (PreviewStatus.Pending or PreviewStatus.Read) || now - row.RequestedAt < AnswerTimeout)
        {
            return false;
        }
        Fail(row, now, row.Status == PreviewStatus.Pending
            ? $"The ad-reader did not read the mappings within {AnswerTimeout.TotalMinutes:0} minutes: is it running, and does it hold the leader lease?"
            : $"No provisioner computed the plan within {AnswerTimeout.TotalMinutes:0} minutes: is one running and connected to RabbitMQ?");
        return true;
    }

    private static void Fail(PreviewRow row, DateTimeOffset now, string error)
    {
        row.Status = PreviewStatus.Failed;
        // Masked and cut to its column when saved (SecretRedactionInterceptor).
        row.Error = error;
        row.CompletedAt = now;
        row.Revision++;
    }

    private static Results<FileContentHttpResult, NotFound, ProblemHttpResult> ToCsv(PreviewRow row)
    {
        if (row.Status != PreviewStatus.Ready)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Preview {row.Id} is {row.Status}: there is no plan to export.",
                detail: row.Status == PreviewStatus.Failed ? row.Error : "Wait until it is Ready.");
        }
        var plan = JsonSerializer.Deserialize<PreviewPlan>(row.PlanJson!, Json)!;
        return TypedResults.File(Encoding.UTF8.GetBytes(PreviewCsv.Write(plan.Items ?? [])), "text/csv; charset=utf-8", $"preview-{row.Id}.csv");
    }

    private static List<Guid> MappingIds(PreviewRow row) => JsonSerializer.Deserialize<List<Guid>>(row.MappingIdsJson, Json) ?? [];

    private static Dictionary<Guid, PreviewMappingRead> Reads(PreviewRow row) =>
        JsonSerializer.Deserialize<Dictionary<Guid, PreviewMappingRead>>(row.ReadJson, Json) ?? [];

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static Preview ToPreview(PreviewRow row, bool withPlan)
    {
        var plan = withPlan && row.PlanJson is not null ? JsonSerializer.Deserialize<PreviewPlan>(row.PlanJson, Json) : null;
        return new Preview(row.Id, row.MappingId, MappingIds(row), row.Status, row.RequestedAt, row.RequestedBy, row.CompletedAt, row.ExpiresAt,
            row.Error, plan?.Summary, plan?.Items);
    }
}
