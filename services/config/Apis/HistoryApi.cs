using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// The per-user history: every change the provisioner applied to a user's technician (created, linked, updated with
/// before and after, enabled, disabled and why, status only), and the changes it deliberately did not apply (skipped,
/// stale), each with the user as the directory had them. Most entries arrive with the link write that applies the change
/// (<see cref="TechnicianLink.History"/>), so recording them costs no request of its own; the others come in batches.
/// </summary>
public static class HistoryApi
{
    public const int MaxTake = 500;

    /// <summary>The most entries one POST /api/history/batch may carry.</summary>
    public const int MaxBatch = 100;

    /// <summary>The longest search term: longer than any name, email or login the history stores.</summary>
    public const int MaxUserLength = 256;

    private const char LikeEscape = '\\';

    public static RouteGroupBuilder MapHistoryApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/history").WithTags("History");
        group.MapGet("/", QueryAsync).RequireRoles(Roles.Admin);
        group.MapPost("/batch", AddBatchAsync).RequireRoles(Roles.Provisioner);
        return group;
    }

    /// <summary>
    /// All entries of the users whose name, email or login (in any of their entries) contains <paramref name="user"/>
    /// (ignoring case), or whose directory id starts with it; newest first, the total in X-Total-Count. The term is matched
    /// literally: % and _ are no wildcards.
    /// </summary>
    public static async Task<Results<Ok<HistoryEntry[]>, ValidationProblem>> QueryAsync(
        ConfigDbContext db, HttpContext http, string? user, int? skip, int? take, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(user))
        {
            errors.Add("user", "Required: part of a name, email or login, or the start of a directory user id.");
        }
        else if (user.Length > MaxUserLength)
        {
            errors.Add("user", $"At most {MaxUserLength} characters.");
        }

        Paging.Validate(errors, skip, take, MaxTake);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var term = EscapeLike(user!.Trim().ToLowerInvariant());
        var contains = $"%{term}%";
        var prefix = $"{term}%";
        var escape = LikeEscape.ToString();
        // The users any of whose entries match, then all of their entries: a user found by the new name shows the
        // entries from before the rename too, which is the point of a timeline.
        var users = db.History.Where(h =>
            EF.Functions.Like(h.DirectoryUserId, prefix, escape)
            || EF.Functions.Like(h.DisplayName.ToLower(), contains, escape)
            || EF.Functions.Like(h.Email.ToLower(), contains, escape)
            || (h.Login != null && EF.Functions.Like(h.Login.ToLower(), contains, escape)))
            .Select(h => h.DirectoryUserId);
        var query = db.History.AsNoTracking().Where(h => users.Contains(h.DirectoryUserId));

        var total = await query.CountAsync(cancellationToken);
        var rows = await query
            .OrderByDescending(h => h.Time).ThenByDescending(h => h.Id)
            .Skip(skip ?? 0).Take(take ?? Paging.DefaultTake)
            .ToListAsync(cancellationToken);
        http.Response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(rows.Select(ToEntry).ToArray());
    }

    /// <summary>
    /// Entries of outcomes that write no link (skipped, stale), gathered by the provisioner. An invalid entry refuses the
    /// whole batch: the provisioner only sends what it built itself, so one is a bug to see, not data to half-store.
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem>> AddBatchAsync(
        NewHistoryEntry[]? entries, ConfigDbContext db, TimeProvider time, SqliteWriteGate gate, CancellationToken cancellationToken)
    {
        if (entries is null || entries.Length is 0 or > MaxBatch)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [""] = [$"Send between 1 and {MaxBatch} entries."] });
        }

        var errors = new ValidationErrors();
        for (var i = 0; i < entries.Length; i++)
        {
            Validate(errors, $"[{i}]", entries[i]);
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.UtcNowForStorage();
        db.History.AddRange(entries.Select(e => ToRow(e, now)));
        using (await gate.EnterAsync(db, cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.NoContent();
    }

    /// <summary>The problems of one entry, under <paramref name="prefix"/>; an empty prefix for the history of a link.</summary>
    public static void Validate(ValidationErrors errors, string prefix, NewHistoryEntry? entry)
    {
        var field = prefix.Length == 0 ? "history" : prefix;
        if (entry is null)
        {
            errors.Add(field, "An entry is required.");
            return;
        }

        if (!Enum.IsDefined(entry.Action))
        {
            errors.Add($"{field}.action", "Unknown action.");
        }

        if (!Enum.IsDefined(entry.State))
        {
            errors.Add($"{field}.state", "Unknown state.");
        }

        if (entry.MappingId == Guid.Empty)
        {
            errors.Add($"{field}.mappingId", "Required.");
        }

        errors.Required($"{field}.directoryUserId", entry.DirectoryUserId, 128);
        SettingsValidator.TraceId(errors, $"{field}.traceId", entry.TraceId);
    }

    /// <summary>
    /// The row for an entry stored now. Directory values longer than the columns are cut rather than refused: the change
    /// was applied, and its record must not be lost over an over-long DN.
    /// </summary>
    public static HistoryRow ToRow(NewHistoryEntry entry, DateTimeOffset now) => new()
    {
        Time = now,
        Action = entry.Action,
        MappingId = entry.MappingId,
        DirectoryUserId = entry.DirectoryUserId,
        DisplayName = Cut(entry.DisplayName, HistoryModel.MaxName) ?? "",
        Email = Cut(entry.Email, HistoryModel.MaxEmail) ?? "",
        Login = Cut(entry.Login, HistoryModel.MaxLogin),
        DistinguishedName = Cut(entry.DistinguishedName, HistoryModel.MaxDistinguishedName),
        TechnicianNodeId = entry.TechnicianNodeId,
        Version = entry.Version,
        State = entry.State,
        Reason = Cut(entry.Reason, HistoryModel.MaxReason),
        NameBefore = Cut(entry.NameBefore, HistoryModel.MaxName),
        EmailBefore = Cut(entry.EmailBefore, HistoryModel.MaxEmail),
        TraceId = entry.TraceId,
        CorrelationId = entry.CorrelationId,
    };

    /// <summary>The term with LIKE's own characters escaped, so a search for "50%_off" finds exactly that.</summary>
    public static string EscapeLike(string term)
    {
        var escaped = new StringBuilder(term.Length + 4);
        foreach (var c in term)
        {
            if (c is '%' or '_' or LikeEscape)
            {
                escaped.Append(LikeEscape);
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static string? Cut(string? value, int max) => value is { } v && v.Length > max ? v[..max] : value;

    private static HistoryEntry ToEntry(HistoryRow row) => new(
        row.Id, row.Time, row.Action, row.MappingId, row.DirectoryUserId, row.DisplayName, row.Email, row.Login, row.DistinguishedName,
        row.TechnicianNodeId, row.Version, row.State, row.Reason, row.NameBefore, row.EmailBefore, row.TraceId, row.CorrelationId);
}
