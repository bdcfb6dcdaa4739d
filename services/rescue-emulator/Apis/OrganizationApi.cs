using Microsoft.AspNetCore.Http.HttpResults;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Apis;

/// <summary>/admin/organization, /admin/state and /admin/reset.</summary>
public static class OrganizationApi
{
    public static RouteGroupBuilder MapOrganizationApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/reset", Reset);
        admin.MapPost("/organization", CreateOrganization);
        admin.MapGet("/state", GetState);
        return admin;
    }

    /// <summary>Forgets the organization, the faults and the call log.</summary>
    public static NoContent Reset(EmulatorState state, FaultInjector faults, SurpriseInjector surprises, CallLog log)
    {
        state.Reset();
        faults.Clear();
        surprises.Clear();
        log.Clear();
        return TypedResults.NoContent();
    }

    public static Created<OrganizationView> CreateOrganization(CreateOrganizationRequest request, EmulatorState state) =>
        TypedResults.Created("/admin/state", state.CreateOrganization(request));

    public static Ok<EmulatorSnapshot> GetState(EmulatorState state) => TypedResults.Ok(state.Snapshot());
}
