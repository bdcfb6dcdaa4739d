using Microsoft.AspNetCore.Http.HttpResults;
using RescueAdSync.Config.Auth;
using RescueAdSync.Config.Data;
using RescueAdSync.Config.Rescue;
using RescueAdSync.Contracts.Config;

namespace RescueAdSync.Config.Apis;

/// <summary>Technician Group names from Rescue, for the admin page to show next to the node ids of the mappings.</summary>
public static class TechnicianGroupsApi
{
    public static RouteGroupBuilder MapTechnicianGroupsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/technician-groups").WithTags("Technician groups");
        group.MapGet("/{nodeId:long}", GetAsync).RequireRoles(Roles.Admin);
        return group;
    }

    /// <summary>Always 200: a name Rescue cannot give is a null name with the reason, never an error for the page that shows it.</summary>
    public static async Task<Ok<TechnicianGroupName>> GetAsync(
        long nodeId, ConfigDbContext db, TechnicianGroupNames names, RescueAccountVerifier verifier, CancellationToken cancellationToken) =>
        TypedResults.Ok(await names.GetAsync(db, verifier, nodeId, cancellationToken));
}
