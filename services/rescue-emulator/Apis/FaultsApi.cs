using Microsoft.AspNetCore.Http.HttpResults;
using RescueAdSync.RescueEmulator.Apis.Models;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Apis;

/// <summary>/admin/faults: latency, HTTP 429/503 with Retry-After and connection resets on the Rescue API.</summary>
public static class FaultsApi
{
    public static RouteGroupBuilder MapFaultsApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/faults", Get);
        admin.MapDelete("/faults", Clear);
        admin.MapPut("/faults/latency", SetLatency);
        admin.MapPost("/faults/http", SetHttpFault);
        admin.MapPost("/faults/resets", SetResets);
        admin.MapPost("/faults/lost-answers", SetLostAnswers);
        // The token-revoked fault is DELETE /admin/token; this alias keeps every fault under one prefix.
        admin.MapPost("/faults/revoke-token", RevokeToken);
        return admin;
    }

    public static Ok<FaultsView> Get(FaultInjector faults) => TypedResults.Ok(faults.View());

    public static NoContent Clear(FaultInjector faults, SurpriseInjector surprises, LostAnswers lostAnswers)
    {
        faults.Clear();
        surprises.Clear();
        lostAnswers.Clear();
        return TypedResults.NoContent();
    }

    public static Ok<FaultsView> SetLatency(LatencyRequest request, FaultInjector faults)
    {
        faults.SetLatency(TimeSpan.FromMilliseconds(request.Milliseconds));
        return TypedResults.Ok(faults.View());
    }

    public static Ok<FaultsView> SetHttpFault(HttpFaultRequest request, FaultInjector faults)
    {
        faults.SetHttpFault(request);
        return TypedResults.Ok(faults.View());
    }

    public static Ok<FaultsView> SetResets(ResetFaultRequest request, FaultInjector faults)
    {
        faults.SetResets(request.Count);
        return TypedResults.Ok(faults.View());
    }

    public static NoContent SetLostAnswers(LostAnswerRequest request, LostAnswers lostAnswers)
    {
        lostAnswers.Set(request.Method, request.Count);
        return TypedResults.NoContent();
    }

    public static NoContent RevokeToken(EmulatorState state)
    {
        state.RevokeServiceToken();
        return TypedResults.NoContent();
    }
}
