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
/// The ad-reader's state per mapping (watermarks, cookies, known members), kept here so that a restarted or
/// replacement reader continues where the last one stopped. Writes are compare-and-set on the ETag: a reader that
/// lost its lease, or wrote after an admin forced a full re-read (DELETE), gets 412 instead of overwriting.
/// </summary>
public static class ReaderStateApi
{
    public const int MaxDirectoryVersionLength = 256;

    /// <summary>Room for the envelope around the document ({"document": …, "directoryVersion": …}).</summary>
    private const int EnvelopeBytes = 64 * 1024;

    public static RouteGroupBuilder MapReaderStateApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/reader-state").WithTags("Reader state");
        group.MapGet("/{mappingId:guid}", GetAsync).RequireRoles(Roles.Reader, Roles.Admin);
        group.MapPut("/{mappingId:guid}", PutAsync).RequireRoles(Roles.Reader)
            .Accepts<ReaderStateUpdate>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapDelete("/{mappingId:guid}", DeleteAsync).RequireRoles(Roles.Admin);
        return group;
    }

    public static async Task<Results<Ok<ReaderState>, StatusCodeHttpResult, NotFound>> GetAsync(
        Guid mappingId, ConfigDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        // The stamp first: a poll that is up to date costs a 304, not a read of a document of many megabytes.
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

        ETags.Set(http.Response, ETagOf(row.ConcurrencyStamp));
        return TypedResults.Ok(new ReaderState(row.MappingId, JsonSerializer.Deserialize<JsonElement>(row.Document), row.DirectoryVersion, row.UpdatedAt));
    }

    /// <summary>The body is read by hand, bounded, so that an oversized state is a clear 413 and never sits whole in memory.</summary>
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

        if (update is not null && update.Document.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            errors.Add("document", "Required: any JSON value.");
        }
        else if (update is null && errors.IsValid)
        {
            errors.Add("body", "Required: {\"document\": …, \"directoryVersion\": …}.");
        }

        if (update?.DirectoryVersion is { Length: > MaxDirectoryVersionLength })
        {
            errors.Add("directoryVersion", $"At most {MaxDirectoryVersionLength} characters.");
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

            db.ReaderStates.Add(new ReaderStateRow
            {
                MappingId = mappingId,
                Document = document,
                DirectoryVersion = update.DirectoryVersion,
                UpdatedAt = now,
                ConcurrencyStamp = stamp,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException exception) when (UniqueViolation.Is(exception) || IsForeignKeyViolation(exception))
            {
                // Another writer created the state first, or an admin deleted the mapping meanwhile.
                return await db.Mappings.AnyAsync(m => m.Id == mappingId, cancellationToken)
                    ? ETags.PreconditionFailed()
                    : MappingNotFound(mappingId);
            }
        }
        else
        {
            // One guarded UPDATE: the compare and the set cannot be split by another writer.
            var any = ifMatch.Any(tag => tag == EntityTagHeaderValue.Any);
            var stamps = ifMatch.Where(tag => !tag.IsWeak).Select(tag => tag.Tag.ToString().Trim('"')).ToList();
            var updated = await db.ReaderStates
                .Where(s => s.MappingId == mappingId && (any || stamps.Contains(s.ConcurrencyStamp)))
                .ExecuteUpdateAsync(
                    set => set
                        .SetProperty(s => s.Document, document)
                        .SetProperty(s => s.DirectoryVersion, update.DirectoryVersion)
                        .SetProperty(s => s.UpdatedAt, now)
                        .SetProperty(s => s.ConcurrencyStamp, stamp),
                    cancellationToken);
            if (updated == 0)
            {
                return ETags.PreconditionFailed();
            }
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
