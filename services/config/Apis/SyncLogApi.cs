using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.SyncLog;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>The sync log (the product's "Active Directory Logger"): every service appends, admins read.</summary>
public static class SyncLogApi
{
    public const int MaxTake = 500;

    public static RouteGroupBuilder MapSyncLogApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/sync-log").WithTags("Sync log");
        group.MapPost("/", AddAsync).RequireRoles(Roles.Reader, Roles.Provisioner, Roles.Admin);
        group.MapGet("/", QueryAsync).RequireRoles(Roles.Admin);
        return group;
    }

    public static async Task<Results<Created<SyncLogEntry>, ValidationProblem>> AddAsync(
        NewSyncLogEntry entry, ConfigDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = SettingsValidator.Validate(entry);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        // Secrets are masked and the message cut to its column when it is saved (SecretRedactionInterceptor).
        var row = new SyncLogRow
        {
            Time = time.UtcNowForStorage(),
            Level = entry.Level,
            Source = entry.Source.Trim(),
            Operation = entry.Operation.Trim(),
            Message = entry.Message,
            MappingId = entry.MappingId,
            DirectoryUserId = entry.DirectoryUserId,
            // Blank means unknown: stored as null, so "not about a user" reads the same whichever way a writer said it.
            DisplayName = string.IsNullOrWhiteSpace(entry.DisplayName) ? null : entry.DisplayName.Trim(),
            Email = string.IsNullOrWhiteSpace(entry.Email) ? null : entry.Email.Trim(),
            ErrorCode = entry.ErrorCode,
            WillRetry = entry.WillRetry,
            CorrelationId = entry.CorrelationId,
            TraceId = entry.TraceId,
        };
        db.SyncLog.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        SyncLogMetrics.Count(row.Level, row.Source);
        return TypedResults.Created((string?)null, ToEntry(row));
    }

    /// <summary>Newest first; the total matching count is in X-Total-Count for paging.</summary>
    public static async Task<Results<Ok<SyncLogEntry[]>, ValidationProblem>> QueryAsync(
        ConfigDbContext db,
        HttpContext http,
        DateTimeOffset? from,
        DateTimeOffset? to,
        SyncLogLevel? level,
        Guid? mappingId,
        string? directoryUserId,
        int? skip,
        int? take,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        Paging.Validate(errors, skip, take, MaxTake);
        if (from > to)
        {
            errors.Add("from", "Must not be after 'to'.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.SyncLog.AsNoTracking();
        if (from is { } start)
        {
            var utc = start.ToUniversalTime();
            query = query.Where(e => e.Time >= utc);
        }

        if (to is { } end)
        {
            var utc = end.ToUniversalTime();
            query = query.Where(e => e.Time <= utc);
        }

        if (level is { } wanted)
        {
            query = query.Where(e => e.Level == wanted);
        }

        if (mappingId is { } mapping)
        {
            query = query.Where(e => e.MappingId == mapping);
        }

        if (!string.IsNullOrEmpty(directoryUserId))
        {
            query = query.Where(e => e.DirectoryUserId == directoryUserId);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query
            .OrderByDescending(e => e.Time).ThenByDescending(e => e.Id)
            .Skip(skip ?? 0).Take(take ?? Paging.DefaultTake)
            .ToListAsync(cancellationToken);
        http.Response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(rows.Select(ToEntry).ToArray());
    }

    private static SyncLogEntry ToEntry(SyncLogRow row) => new(
        row.Id, row.Time, row.Level, row.Source, row.Operation, row.Message, row.MappingId, row.DirectoryUserId, row.ErrorCode,
        row.WillRetry, row.CorrelationId, row.TraceId, row.DisplayName, row.Email);
}
