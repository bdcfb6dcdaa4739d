using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.ReaderStates;
using RescueAdSync.Config.Validation;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>
/// The ad-reader's state per mapping, kept here so that a restarted or replacement reader continues where the last one
/// stopped: a small document of its own (high-water mark, cookies, times) and its known users as rows. A cycle writes
/// its changes in one transaction — the document and only the users it added, changed or forgot — so the cost of a
/// write follows the change, not the group. Writes are compare-and-set on the ETag: a reader that lost its lease, or
/// wrote after an admin forced a full re-read (DELETE), gets 412 and nothing is written.
/// </summary>
public static class ReaderStateApi
{
    public const int MaxDirectoryVersionLength = 256;

    /// <summary>Longest name, email or DN of a known user accepted.</summary>
    public const int MaxUserText = 4096;

    public const int DefaultPageSize = 1000;

    public const int MaxPageSize = 10_000;

    /// <summary>Room for the envelope around the document ({"document": …, "directoryVersion": …}).</summary>
    private const int EnvelopeBytes = 64 * 1024;

    public static RouteGroupBuilder MapReaderStateApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/reader-state").WithTags("Reader state");
        group.MapGet("/{mappingId:guid}", GetAsync).RequireRoles(Roles.Reader, Roles.Admin);
        group.MapGet("/{mappingId:guid}/users", GetUsersAsync).RequireRoles(Roles.Reader, Roles.Admin)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPut("/{mappingId:guid}", PutAsync).RequireRoles(Roles.Reader)
            .Accepts<ReaderStateUpdate>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapDelete("/{mappingId:guid}", DeleteAsync).RequireRoles(Roles.Admin);
        return group;
    }

    public static async Task<Results<Ok<ReaderState>, StatusCodeHttpResult, NotFound, ProblemHttpResult>> GetAsync(
        Guid mappingId, ConfigDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        if (await CarryAsync(db, mappingId) is { } unreadable)
        {
            return unreadable;
        }

        // The stamp first: a poll that is up to date costs a 304, not a read of the state.
        var stamp = await db.ReaderStates.AsNoTracking().Where(s => s.MappingId == mappingId).Select(s => s.ConcurrencyStamp)
            .SingleOrDefaultAsync(cancellationToken);
        if (stamp is null)
        {
            return TypedResults.NotFound();
        }

        var etag = ETagOf(stamp);
        ETags.Set(http.Response, etag);
        if (ETags.NotModified(http.Request, etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var row = await db.ReaderStates.AsNoTracking().SingleOrDefaultAsync(s => s.MappingId == mappingId, cancellationToken);
        if (row is null)
        {
            return TypedResults.NotFound();
        }

        var users = await db.ReaderStateUsers.CountAsync(u => u.MappingId == mappingId, cancellationToken);
        ETags.Set(http.Response, ETagOf(row.ConcurrencyStamp));
        return TypedResults.Ok(new ReaderState(row.MappingId, JsonSerializer.Deserialize<JsonElement>(row.Document), row.DirectoryVersion, row.UpdatedAt,
            users));
    }

    /// <summary>
    /// The known users page by page, in id order (keyset: <paramref name="after"/> is the last id of the previous page),
    /// so that a state of any size is read in bounded responses. With If-Match, 412 as soon as the state was written
    /// or deleted since the ETag was read: the pages read so far belong to an older state.
    /// </summary>
    public static async Task<Results<Ok<ReaderStateUsersPage>, NotFound, ValidationProblem, ProblemHttpResult>> GetUsersAsync(
        Guid mappingId, string? after, int? limit, ConfigDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (limit is < 1 or > MaxPageSize)
        {
            errors.Add("limit", $"Must be between 1 and {MaxPageSize}.");
        }

        if (after is { Length: > ReaderStateUserRow.MaxId })
        {
            errors.Add("after", $"At most {ReaderStateUserRow.MaxId} characters: an id of the previous page.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await CarryAsync(db, mappingId) is { } unreadable)
        {
            return unreadable;
        }

        var take = limit ?? DefaultPageSize;
        var before = await StampAsync(db, mappingId, cancellationToken);
        if (before is null)
        {
            return ETags.HasIfMatch(http.Request) ? ETags.PreconditionFailed() : TypedResults.NotFound();
        }

        if (ETags.PreconditionFails(http.Request, ETagOf(before)))
        {
            return ETags.PreconditionFailed();
        }

        var query = db.ReaderStateUsers.AsNoTracking().Where(u => u.MappingId == mappingId);
        if (after is not null)
        {
            query = query.Where(u => string.Compare(u.UserId, after) > 0);
        }

        var rows = await query.OrderBy(u => u.UserId).Take(take).ToListAsync(cancellationToken);
        // Stamps are never reused: the same stamp before and after the page means no write committed in between.
        var afterPage = await StampAsync(db, mappingId, cancellationToken);
        if (afterPage != before && ETags.HasIfMatch(http.Request))
        {
            return ETags.PreconditionFailed();
        }

        if (afterPage is null)
        {
            return TypedResults.NotFound();
        }

        ETags.Set(http.Response, ETagOf(afterPage));
        return TypedResults.Ok(new ReaderStateUsersPage(
            [.. rows.Select(ReaderStateRows.ToContract)], rows.Count == take ? rows[^1].UserId : null));
    }

    private static Task<string?> StampAsync(ConfigDbContext db, Guid mappingId, CancellationToken cancellationToken) =>
        db.ReaderStates.AsNoTracking().Where(s => s.MappingId == mappingId).Select(s => s.ConcurrencyStamp).SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// One cycle's changes in one transaction: the document, then the users removed and written. The body is read by
    /// hand, bounded, so that an oversized write is a clear 413 and never sits whole in memory.
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> PutAsync(
        Guid mappingId, ConfigDbContext db, IOptions<ReaderStateOptions> options, TimeProvider time, HttpContext http,
        CancellationToken cancellationToken)
    {
        var maxDocument = options.Value.MaxDocumentBytes;
        var body = await ReadBoundedAsync(http, (long)maxDocument + EnvelopeBytes, cancellationToken);
        if (body is null)
        {
            return TooLarge(maxDocument);
        }

        var errors = new ValidationErrors();
        ReaderStateUpdate? update = null;
        try
        {
            update = JsonSerializer.Deserialize<ReaderStateUpdate>(body.WrittenSpan, JsonSerializerOptions.Web);
        }
        catch (JsonException exception)
        {
            errors.Add("body", $"Not valid JSON: {exception.Message}");
        }

        if (update is not null)
        {
            Validate(errors, update);
        }
        else if (errors.IsValid)
        {
            errors.Add("body", "Required: {\"document\": …, \"directoryVersion\": …, \"users\": […], \"removedUsers\": […]}.");
        }

        if (!errors.IsValid || update is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var document = update.Document.GetRawText();
        if (Encoding.UTF8.GetByteCount(document) > maxDocument)
        {
            return TooLarge(maxDocument);
        }

        if (!await db.Mappings.AnyAsync(m => m.Id == mappingId, cancellationToken))
        {
            return MappingNotFound(mappingId);
        }

        var stamp = Guid.NewGuid().ToString("N");
        var now = time.UtcNowForStorage();
        if (ETags.IfMatchUnreadable(http.Request))
        {
            return ETags.PreconditionFailed();
        }

        var users = update.Users ?? [];
        var removed = update.RemovedUsers ?? [];
        // From here on the write is not cancelled with the request: a first write of 100,000 users may outlast the
        // client's timeout, and one cancelled (rolled back) every time would never be stored. A write that completes
        // after its client gave up is harmless: the client's next write carries the older ETag and gets 412.
        cancellationToken = CancellationToken.None;
        var ifMatch = http.Request.GetTypedHeaders().IfMatch;
        if (ifMatch.Count == 0)
        {
            if (await db.ReaderStates.AnyAsync(s => s.MappingId == mappingId, cancellationToken))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status428PreconditionRequired,
                    title: "A state is already stored for this mapping.",
                    detail: "Read it (GET) and send its ETag in If-Match; without If-Match a PUT only creates the first state.");
            }

            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                db.ReaderStates.Add(new ReaderStateRow
                {
                    MappingId = mappingId,
                    Document = document,
                    DirectoryVersion = update.DirectoryVersion,
                    UpdatedAt = now,
                    ConcurrencyStamp = stamp,
                    Revision = 1,
                    UsersInRows = true,
                });
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
                await ReaderStateRows.UpsertAsync(db, mappingId, 1, users, noRows: true, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException exception) when (UniqueViolation.Is(exception) || IsForeignKeyViolation(exception))
            {
                // Another writer created the state first, or an admin deleted the mapping meanwhile.
                db.ChangeTracker.Clear();
                return await db.Mappings.AnyAsync(m => m.Id == mappingId, cancellationToken)
                    ? ETags.PreconditionFailed()
                    : MappingNotFound(mappingId);
            }
        }
        else
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // One guarded UPDATE first: the compare and the set cannot be split by another writer, and a second writer
            // waits on the row until this transaction ends. A state not yet carried into rows never matches: read it first.
            var any = ifMatch.Any(tag => tag == EntityTagHeaderValue.Any);
            var stamps = ifMatch.Where(tag => !tag.IsWeak).Select(tag => tag.Tag.ToString().Trim('"')).ToList();
            var updated = await db.ReaderStates
                .Where(s => s.MappingId == mappingId && s.UsersInRows && (any || stamps.Contains(s.ConcurrencyStamp)))
                .ExecuteUpdateAsync(
                    set => set
                        .SetProperty(s => s.Document, document)
                        .SetProperty(s => s.DirectoryVersion, update.DirectoryVersion)
                        .SetProperty(s => s.UpdatedAt, now)
                        .SetProperty(s => s.ConcurrencyStamp, stamp)
                        .SetProperty(s => s.Revision, s => s.Revision + 1),
                    cancellationToken);
            if (updated == 0)
            {
                return ETags.PreconditionFailed();
            }

            var revision = await db.ReaderStates.Where(s => s.MappingId == mappingId).Select(s => s.Revision).SingleAsync(cancellationToken);
            await ReaderStateRows.RemoveAsync(db, mappingId, removed, cancellationToken);
            await ReaderStateRows.UpsertAsync(db, mappingId, revision, users, noRows: false, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        ETags.Set(http.Response, ETagOf(stamp));
        http.Response.Headers.LastModified = now.ToString("R");
        return TypedResults.NoContent();
    }

    /// <summary>Forces a full re-read: the reader finds no state (404) at its next cycle and its next If-Match PUT fails.</summary>
    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(
        Guid mappingId, ConfigDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        if (ETags.IfMatchUnreadable(http.Request))
        {
            return ETags.PreconditionFailed();
        }

        var ifMatch = http.Request.GetTypedHeaders().IfMatch;
        var any = ifMatch.Count == 0 || ifMatch.Any(tag => tag == EntityTagHeaderValue.Any);
        var stamps = ifMatch.Where(tag => !tag.IsWeak).Select(tag => tag.Tag.ToString().Trim('"')).ToList();
        var deleted = await db.ReaderStates
            .Where(s => s.MappingId == mappingId && (any || stamps.Contains(s.ConcurrencyStamp)))
            .ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0)
        {
            return TypedResults.NoContent();
        }

        return await db.ReaderStates.AnyAsync(s => s.MappingId == mappingId, cancellationToken)
            ? ETags.PreconditionFailed()
            : TypedResults.NotFound();
    }

    private static string ETagOf(string stamp) => $"\"{stamp}\"";

    private static void Validate(ValidationErrors errors, ReaderStateUpdate update)
    {
        if (update.Document.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            errors.Add("document", "Required: any JSON value.");
        }
        else if (update.Document.ValueKind == JsonValueKind.Object && update.Document.TryGetProperty(LegacyReaderStateDocument.UsersProperty, out _))
        {
            errors.Add("document", "The known users are rows: send them in \"users\" and \"removedUsers\", not inside the document.");
        }

        if (update.DirectoryVersion is { Length: > MaxDirectoryVersionLength })
        {
            errors.Add("directoryVersion", $"At most {MaxDirectoryVersionLength} characters.");
        }

        var written = new HashSet<string>(StringComparer.Ordinal);
        var users = update.Users ?? [];
        for (var i = 0; i < users.Count; i++)
        {
            var user = users[i];
            var field = $"users[{i}]";
            if (user is null)
            {
                errors.Add(field, "Required: {\"id\", \"displayName\", \"email\", \"distinguishedName\", \"state\", \"version\"}.");
                continue;
            }

            if (Id(errors, $"{field}.id", user.Id) && !written.Add(user.Id))
            {
                errors.Add($"{field}.id", $"User {user.Id} is listed twice.");
            }

            Text(errors, $"{field}.displayName", user.DisplayName);
            Text(errors, $"{field}.email", user.Email);
            Text(errors, $"{field}.distinguishedName", user.DistinguishedName);
            if (!Enum.IsDefined(user.State))
            {
                errors.Add($"{field}.state", "Must be Enabled, Disabled, OutOfScope or Deleted.");
            }

            if (user.Version < 0)
            {
                errors.Add($"{field}.version", "Must not be negative.");
            }
        }

        var removed = update.RemovedUsers ?? [];
        for (var i = 0; i < removed.Count; i++)
        {
            if (Id(errors, $"removedUsers[{i}]", removed[i]) && written.Contains(removed[i]))
            {
                errors.Add($"removedUsers[{i}]", $"User {removed[i]} is both written and removed.");
            }
        }
    }

    private static bool Id(ValidationErrors errors, string field, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            errors.Add(field, "Required: the user's directory id.");
            return false;
        }

        if (id.Length > ReaderStateUserRow.MaxId)
        {
            errors.Add(field, $"At most {ReaderStateUserRow.MaxId} characters.");
            return false;
        }

        return true;
    }

    private static void Text(ValidationErrors errors, string field, string? value)
    {
        if (value is null)
        {
            errors.Add(field, "Required (may be empty).");
        }
        else if (value.Length > MaxUserText)
        {
            errors.Add(field, $"At most {MaxUserText} characters.");
        }
    }

    /// <summary>A problem when the stored state is a document that cannot be carried into rows; null otherwise.</summary>
    private static async Task<ProblemHttpResult?> CarryAsync(ConfigDbContext db, Guid mappingId)
    {
        try
        {
            await ReaderStateRows.CarryDocumentAsync(db, mappingId);
            return null;
        }
        catch (JsonException exception)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status500InternalServerError,
                title: "The stored reader state cannot be read.",
                detail: $"{exception.Message} An admin DELETE of the state makes the reader read the group in full again.");
        }
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> bytes (reading stops there).</summary>
    private static async Task<ArrayBufferWriter<byte>?> ReadBoundedAsync(HttpContext http, long limit, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > limit)
        {
            return null;
        }

        // The API-wide limit (BodyLimits.Default) is below what this endpoint accepts; the count below enforces ours.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + 1;
        }

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                var read = await http.Request.Body.ReadAsync(buffer.GetMemory(64 * 1024), cancellationToken);
                if (read == 0)
                {
                    return buffer;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    private static bool IsForeignKeyViolation(DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };

    private static ProblemHttpResult TooLarge(int maxDocument) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The reader state is too large.",
        detail: $"The document may be at most {maxDocument} bytes (ReaderState:MaxDocumentBytes).");

    private static ProblemHttpResult MappingNotFound(Guid mappingId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "No such mapping.",
        detail: $"Mapping {mappingId} does not exist; state is kept only for existing mappings.");
}
