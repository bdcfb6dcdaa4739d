using Microsoft.AspNetCore.Http.HttpResults;
using RescueAdSync.RescueEmulator.Apis.Models;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Apis;

/// <summary>/admin/technicians: what a Rescue admin does by hand (create, move), outside the sync.</summary>
public static class TechniciansApi
{
    public static RouteGroupBuilder MapTechniciansApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/technicians", Create);
        admin.MapPost("/technicians/{nodeId:long}/move", Move);
        return admin;
    }

    public static Created<TechnicianView> Create(TechnicianSpec spec, EmulatorState state)
    {
        var technician = state.CreateTechnician(spec);
        return TypedResults.Created($"/admin/technicians/{technician.NodeId}", technician);
    }

    public static Ok<TechnicianView> Move(long nodeId, MoveTechnicianRequest request, EmulatorState state) =>
        TypedResults.Ok(state.MoveTechnician(nodeId, request.GroupId));
}
