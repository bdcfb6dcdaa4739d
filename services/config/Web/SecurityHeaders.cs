namespace RescueAdSync.Config.Web;

/// <summary>
/// Response headers every answer of the service carries. Registered as a startup filter so it wraps the whole pipeline,
/// authentication included: a 401 or 429 gets them too.
/// </summary>
public sealed class SecurityHeadersStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            // Set when the response starts: an exception handler clears the headers of a response it replaces.
            context.Response.OnStarting(static state =>
            {
                ((HttpResponse)state).Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            }, context.Response);
            return nextMiddleware(context);
        });
        next(app);
    };
}

public static class NoStoreExtensions
{
    /// <summary>Answers that hold secrets in clear must not be kept by any cache (Cache-Control: no-store).</summary>
    public static TBuilder NoStore<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static async (context, next) =>
        {
            context.HttpContext.Response.OnStarting(static state =>
            {
                var response = (HttpResponse)state;
                response.Headers.CacheControl = "no-store";
                response.Headers.Pragma = "no-cache";
                return Task.CompletedTask;
            }, context.HttpContext.Response);
            return await next(context);
        });
}
