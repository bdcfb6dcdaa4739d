using Microsoft.AspNetCore.Http.HttpResults;
using RescueAdSync.RescueEmulator.Apis.Models;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Apis;

/// <summary>/admin/token and /admin/default-password: what the MAH sets in Global Settings.</summary>
public static class TokenApi
{
    public static RouteGroupBuilder MapTokenApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/token", Generate);
        admin.MapDelete("/token", Revoke);
        admin.MapPut("/default-password", SetDefaultPassword);
        return admin;
    }

    public static Ok<TokenResponse> Generate(GenerateTokenRequest? request, EmulatorState state) =>
        TypedResults.Ok(new TokenResponse(state.GenerateServiceToken(request?.Token)));

    public static NoContent Revoke(EmulatorState state)
    {
        state.RevokeServiceToken();
        return TypedResults.NoContent();
    }

    public static NoContent SetDefaultPassword(DefaultPasswordRequest request, EmulatorState state)
    {
        state.SetDefaultPassword(request.Password);
        return TypedResults.NoContent();
    }
}
