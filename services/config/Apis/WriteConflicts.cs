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
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Another request wrote the same resource at the same time.",
                detail: "Read it again and repeat the request if it is still needed.");
        }
    }
}
