using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>The reader's last stored cycle of a mapping, for status displays (<c>adsync status</c>): no document is read.</summary>
public static class ReaderStateSummaryApi
{
    public static IEndpointRouteBuilder MapReaderStateSummaryApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/reader-state/{mappingId:guid}/summary", GetAsync).RequireRoles(Roles.Admin, Roles.Reader).WithTags("Reader state");
        return api;
    }

    public static async Task<Results<Ok<ReaderStateSummary>, NotFound>> GetAsync(Guid mappingId, ConfigDbContext db, CancellationToken cancellationToken)
    {
        var summary = await db.ReaderStates.AsNoTracking().Where(s => s.MappingId == mappingId)
            .Select(s => new ReaderStateSummary(s.MappingId, s.DirectoryVersion, s.UpdatedAt))
            .SingleOrDefaultAsync(cancellationToken);
        return summary is null ? TypedResults.NotFound() : TypedResults.Ok(summary);
    }
}
