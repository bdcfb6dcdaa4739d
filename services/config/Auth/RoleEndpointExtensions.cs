namespace RescueAdSync.Config.Auth;

public static class RoleEndpointExtensions
{
    /// <summary>Admits authenticated callers whose key carries one of <paramref name="roles"/>; others get 401 or 403.</summary>
    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, params string[] roles)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireRole(roles));
}
