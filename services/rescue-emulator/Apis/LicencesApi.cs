using Microsoft.AspNetCore.Http.HttpResults;
using RescueAdSync.RescueEmulator.Apis.Models;
using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Apis;

/// <summary>/admin/licences/mobile: the organization's pool of mobile licences.</summary>
public static class LicencesApi
{
    public static RouteGroupBuilder MapLicencesApi(this RouteGroupBuilder admin)
    {
        admin.MapPut("/licences/mobile", SetMobileLicences);
        return admin;
    }

    public static Ok<MobileLicencesView> SetMobileLicences(MobileLicencesRequest request, EmulatorState state)
    {
        var (total, used) = state.SetMobileLicences(request.Count);
        return TypedResults.Ok(new MobileLicencesView(total, used));
    }
}
