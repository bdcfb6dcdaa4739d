using Microsoft.AspNetCore.Http.HttpResults;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Apis;

/// <summary>/admin/calls: the Rescue API calls received, without secrets.</summary>
public static class CallsApi
{
    public static RouteGroupBuilder MapCallsApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/calls", Read);
        admin.MapDelete("/calls", Clear);
        return admin;
    }

    public static Ok<IReadOnlyList<ApiCall>> Read(CallLog log, string? method = null, long after = 0) =>
        TypedResults.Ok(log.Read(method, after));

    public static NoContent Clear(CallLog log)
    {
        log.Clear();
        return TypedResults.NoContent();
    }
}
