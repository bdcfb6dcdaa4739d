using Microsoft.AspNetCore.Http.HttpResults;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Apis;

/// <summary>/admin/groups: Technician Groups.</summary>
public static class GroupsApi
{
    public static RouteGroupBuilder MapGroupsApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/groups", CreateGroup);
        return admin;
    }

    public static Created<GroupView> CreateGroup(CreateGroupRequest request, EmulatorState state)
    {
        var group = state.CreateGroup(request);
        return TypedResults.Created($"/admin/groups/{group.NodeId}", group);
    }
}
