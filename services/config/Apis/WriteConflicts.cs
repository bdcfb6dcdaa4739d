using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Data;

namespace RescueAdSync.Config.Apis;

/// <summary>Turns lost races between two writers into answers a client can act on, instead of a 500.</summary>
public static class WriteConflicts
{
    /// <summary>Saves; returns 412 when the row changed since it was read, 409 when a unique key was taken meanwhile.</summary>
    public static async Task<ProblemHttpResult?> SaveAsync(DbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return ETags.PreconditionFailed();
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            return Taken();
        }
    }

    /// <summary>
    /// Saves an update or delete the client asked for by URL. With If-Match the write is conditional: losing to another
    /// writer is 412. Without If-Match the client asked for no condition, so it is never 412: the last writer wins —
    /// the changed row is re-read, this request's values are written over it (every column, so nothing of the other
    /// write is mixed in), up to a few times while others keep writing; a row deleted meanwhile is 409.
    /// </summary>
    public static async Task<ProblemHttpResult?> SaveAsync(DbContext db, HttpRequest request, CancellationToken cancellationToken)
    {
        if (ETags.HasIfMatch(request))
        {
            return await SaveAsync(db, cancellationToken);
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return null;
            }
            catch (DbUpdateConcurrencyException exception) when (attempt < 10)
            {
                foreach (var entry in exception.Entries)
                {
                    var stored = await entry.GetDatabaseValuesAsync(cancellationToken);
                    if (stored is null)
                    {
                        return TypedResults.Problem(
                            statusCode: StatusCodes.Status409Conflict,
                            title: "Another request deleted the resource meanwhile.",
                            detail: "Nothing was written. Read it again and repeat the request if it is still needed.");
                    }

                    entry.OriginalValues.SetValues(stored);
                    if (entry.State == EntityState.Modified)
                    {
                        foreach (var property in entry.Properties.Where(p => !p.Metadata.IsPrimaryKey()))
                        {
                            property.IsModified = true;
                        }

                        if (entry.Metadata.FindProperty("Revision") is { } revision && stored[revision] is long storedRevision)
                        {
                            entry.CurrentValues[revision] = storedRevision + 1;
                        }
                    }
                }
            }
            catch (DbUpdateConcurrencyException)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "The resource is being written by many requests at once.",
                    detail: "Nothing was written. Repeat the request later.");
            }
            catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
            {
                return Taken();
            }
        }
    }

    private static ProblemHttpResult Taken() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Another request wrote the same resource at the same time.",
        detail: "Read it again and repeat the request if it is still needed.");
}
