using RescueAdSync.RescueEmulator.Domain;

namespace RescueAdSync.RescueEmulator.Apis;

/// <summary>Turns a refused admin request into 400 with a Rescue-style code, so tests can assert on it.</summary>
public sealed class AdminErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (AdminRequestException ex)
        {
            return TypedResults.BadRequest(new AdminError(ex.Code, ex.Message));
        }
    }
}
